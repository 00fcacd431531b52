#!/usr/bin/env node
// Runs the built CLI when there is one (published package), else the TypeScript source through tsx
// (a clone of the repository), so `kuiper serve` works in both without a build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest modification time of a file under `dir` (ms); 0 when there is no such folder. */
function newest(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let t = 0;
  for (const e of entries) t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return t;
}

/**
 * In a clone, a build older than the source it came from (a pull, a checkout or an edit since
 * `npm run build`) would run code that is no longer the repository's, silently. A published
 * package has no src/: its build is what runs.
 */
function outdated(builtFile) {
  const file = fileURLToPath(builtFile);
  return newest(join(file, '..', '..', 'src')) > statSync(file).mtimeMs;
}

const built = new URL('../dist/cli.js', import.meta.url);
// Only a complete build runs: in a clone, an old dist/ from before @kuiper/protocol existed would
// fail on its import of @kuiper/protocol's dist/, which `pnpm build` now writes first.
const protocol = new URL(import.meta.resolve('@kuiper/protocol'));
let mod;
// KUIPER_FROM_SOURCE=1 (the CLI tests set it) runs the source even when a build is there: a dist/
// left by an earlier `npm run build` or bench would otherwise be what gets tested.
let fromSource = process.env.KUIPER_FROM_SOURCE === '1';
const hasBuild = existsSync(fileURLToPath(built)) && existsSync(fileURLToPath(protocol));
if (!fromSource && hasBuild && (outdated(built) || outdated(protocol))) {
  console.error('kuiper: dist/ is older than src/: running the source (`npm run build` brings dist/ up to date)');
  fromSource = true;
}
if (!fromSource && hasBuild) {
  mod = await import(built.href);
} else {
  // The source imports @kuiper/protocol, which has no dist/ in a clone either: see the module.
  const { resolveKuiperFromSource } = await import('./source-conditions.js');
  resolveKuiperFromSource();
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import(new URL('../src/cli.ts', import.meta.url).href);
}
try {
  const code = await mod.main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
} catch (err) {
  console.error(`kuiper: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
