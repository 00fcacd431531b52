// [Style 8] Every numbered rule in a package's SPEC.md is cited — as `[ID]` — by at least one test,
// so a rule nobody checks shows up here by name instead of passing unnoticed.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A rule is a list item that opens with its bold id: `- **CONN-5** A session removed …`. */
const RULE = /^\s*[-*]\s+\*\*([A-Z][A-Z0-9]*-\d+[a-z]?)\*\*/gm;

function specFiles(): string[] {
  // Packages and apps (the demo's DEMO-* rules) alike.
  return ['packages', 'apps']
    .map((group) => join(ROOT, group))
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name, 'SPEC.md')))
    .filter((path) => existsSync(path));
}

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.(ts|tsx|js|mjs)$/.test(path) && !path.split(/[\\/]/).includes('node_modules'))
    .map((path) => join(dir, path));
}

/** Rule ids in order of appearance, with the spec file that states each. */
export function ruleIds(text: string): string[] {
  return [...text.matchAll(RULE)].map((match) => match[1]!);
}

function allTestSources(): string {
  const dirs = [
    ...readdirSync(join(ROOT, 'packages')).map((name) => join(ROOT, 'packages', name, 'test')),
    ...(existsSync(join(ROOT, 'apps')) ? readdirSync(join(ROOT, 'apps')).map((name) => join(ROOT, 'apps', name, 'test')) : []),
    join(ROOT, 'bench', 'test'),
  ];
  return dirs.flatMap(testFiles).map((path) => readFileSync(path, 'utf8')).join('\n');
}

describe('SPEC.md coverage', () => {
  it('finds rules in the server and client specs', () => {
    const found = specFiles().map((path) => relative(ROOT, path));
    expect(found).toEqual(expect.arrayContaining(['packages/server/SPEC.md', 'packages/client/SPEC.md', 'apps/demo/SPEC.md']));
    expect(ruleIds('- **CONN-5** A session …\n  - **SEC-8** Fail closed\nnot **X-1** a rule')).toEqual(['CONN-5', 'SEC-8']);
  });

  it('every numbered rule is cited as [ID] by at least one test', () => {
    const sources = allTestSources();
    const uncited: string[] = [];
    for (const spec of specFiles()) {
      const ids = ruleIds(readFileSync(spec, 'utf8'));
      expect(ids.length, `${relative(ROOT, spec)} states no numbered rules`).toBeGreaterThan(0);
      for (const id of ids) if (!sources.includes(`[${id}]`)) uncited.push(`${relative(ROOT, spec)} ${id}`);
    }
    expect(uncited, `rules no test cites as [ID]:\n${uncited.join('\n')}`).toEqual([]);
  });
});
