// [COLLAB-17] The core runs in browsers and Node: only the LevelDB store and the HTTP handlers
// (the node:http handlers of COLLAB-43 and COLLAB-47) touch Node, each reachable only through a server-side subpath,
// so the main entry never loads classic-level or node:http.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ONLY = new Set(['src/stores/level.ts', 'src/server/documents-api.ts', 'src/server/assets-api.ts', 'src/server/http-api.ts', 'src/server/versions-api.ts']);
const NODE_BUILTINS = /^(node:|fs$|path$|os$|crypto$|child_process$|net$|http$|buffer$|stream$|url$|classic-level$)/;
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

const sources = (readdirSync(join(PKG, 'src'), { recursive: true, encoding: 'utf8' }) as string[])
  .filter((p) => p.endsWith('.ts'))
  .map((p) => `src/${p}`);
const importsOf = (file: string): string[] => [...readFileSync(join(PKG, file), 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);

describe('isomorphic core', () => {
  it('[COLLAB-17] no source outside the LevelDB store imports Node built-ins or classic-level', () => {
    const offenders = sources.filter((f) => !NODE_ONLY.has(f)).flatMap((f) => importsOf(f).filter((s) => NODE_BUILTINS.test(s)).map((s) => `${f}: ${s}`));
    expect(offenders).toEqual([]);
    expect(importsOf('src/stores/level.ts')).toContain('classic-level'); // the check looks where it should
  });

  it('[COLLAB-17] the main entry reaches neither server-side store; the ./stores/level and ./stores/redis subpaths do', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) if (spec.startsWith('.')) visit(relative(PKG, join(PKG, dirname(file), spec)).replace(/\.js$/, '.ts'));
    };
    visit('src/index.ts');
    expect(seen.has('src/core/document-sync.ts')).toBe(true);
    expect(seen.has('src/stores/level.ts')).toBe(false);
    expect(seen.has('src/stores/redis.ts')).toBe(false); // server-side only, like the LevelDB store
    expect(seen.has('src/server/documents-api.ts')).toBe(false); // node:http, behind ./server
    expect(seen.has('src/server/assets-api.ts')).toBe(false); // node:crypto and node:http, behind ./server
    expect(seen.has('src/server/versions-api.ts')).toBe(false); // node:http, behind ./server
    const exportsMap = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).exports as Record<string, { source: string }>;
    expect(exportsMap['./stores/level']?.source).toBe('./src/stores/level.ts');
    expect(exportsMap['./stores/redis']?.source).toBe('./src/stores/redis.ts');
  });
});
