// Which code `kuiper` runs (bin/kuiper.js): the build in dist/ when there is one and it is not older
// than the source beside it; else the TypeScript source, saying why. Checked on a package laid out
// like this one in a folder of the test's own (a stand-in build and source that say which ran, and a
// stand-in @kuiper/protocol), so the repository's own dist/ (there or not) plays no part.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const server = fileURLToPath(new URL('..', import.meta.url));
// Inside packages/server, so that tsx resolves from its node_modules as it does for the real bin.
const root = mkdtempSync(join(server, '.tmp-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string): string => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

mkdirSync(join(root, 'bin'));
for (const f of ['kuiper.js', 'source-conditions.js']) copyFileSync(join(server, 'bin', f), join(root, 'bin', f));
const built = write(join(root, 'dist/cli.js'), "export async function main() { console.log('ran: dist'); return 0; }\n");
const source = write(join(root, 'src/cli.ts'), "export async function main(): Promise<number> { console.log('ran: src'); return 0; }\n");
const protocol = join(root, 'node_modules/@kuiper/protocol');
write(join(protocol, 'package.json'), JSON.stringify({ name: '@kuiper/protocol', type: 'module', exports: { '.': { source: './src/index.ts', default: './dist/index.js' } } }));
const protocolBuilt = write(join(protocol, 'dist/index.js'), 'export {};\n');
const protocolSource = write(join(protocol, 'src/index.ts'), 'export {};\n');

/** Sets a file's modification time to `minutes` from now. */
const age = (file: string, minutes: number): void => {
  const t = new Date(Date.now() + minutes * 60_000);
  utimesSync(file, t, t);
};

const run = (env: Record<string, string> = {}): { out: string; err: string } => {
  const { KUIPER_FROM_SOURCE: _, ...rest } = process.env;
  const r = spawnSync(process.execPath, [join(root, 'bin/kuiper.js'), 'serve'], { env: { ...rest, ...env }, encoding: 'utf8' });
  return { out: r.stdout, err: r.stderr };
};

describe('bin/kuiper.js', () => {
  it('[API-3] runs the build when it is newer than the source', () => {
    for (const f of [source, protocolSource]) age(f, -10);
    for (const f of [built, protocolBuilt]) age(f, -5);
    expect(run()).toEqual({ out: 'ran: dist\n', err: '' });
    // Asked for the source, it runs the source.
    expect(run({ KUIPER_FROM_SOURCE: '1' }).out).toBe('ran: src\n');
  });

  it('[API-3] runs the source, and says why, when the source changed after the build (or @kuiper/protocol\'s did)', () => {
    for (const [stale, fresh] of [
      [built, source],
      [protocolBuilt, protocolSource],
    ] as const) {
      for (const f of [source, protocolSource]) age(f, -10);
      for (const f of [built, protocolBuilt]) age(f, -5);
      age(stale, -5);
      age(fresh, -1);
      const { out, err } = run();
      expect(out).toBe('ran: src\n');
      expect(err).toContain('dist/ is older than src/: running the source');
    }
  });
});
