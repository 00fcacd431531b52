/**
 * [ARCH-5] docs/architecture.md's folder picture matches the folders: every folder and file of
 * packages/server/src is named in it, and every file it names exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const src = join(root, 'packages/server/src');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
const picture = doc.slice(doc.indexOf('## The server\'s folders'), doc.indexOf('## A message\'s journey'));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? [`${relative(src, path)}/`, ...walk(path)] : [relative(src, path)];
  });
}

describe('architecture document', () => {
  it('[ARCH-5] names every folder and source file of the server in its picture', () => {
    const missing = walk(src).filter((path) => {
      const name = path.endsWith('/') ? `${path.split('/').at(-2)}/` : path.split('/').at(-1)!.replace(/\.ts$/, '');
      return !picture.includes(name);
    });
    expect(missing).toEqual([]);
  });

  it('[ARCH-5] every folder it draws exists', () => {
    const drawn = [...picture.matchAll(/^ {2}([a-z-]+)\/ /gm)].map((m) => m[1]!);
    expect(drawn.length).toBeGreaterThanOrEqual(5);
    expect(drawn.filter((folder) => !existsSync(join(src, folder)))).toEqual([]);
  });
});
