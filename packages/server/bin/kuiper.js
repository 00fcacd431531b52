#!/usr/bin/env node
// Runs the built CLI when there is one (published package), else the TypeScript source through tsx
// (a clone of the repository), so `kuiper serve` works in both without a build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
// Only a complete build runs: in a clone, an old dist/ from before @kuiper/protocol existed would
// fail on its import of @kuiper/protocol's dist/, which `pnpm build` now writes first.
const protocol = new URL(import.meta.resolve('@kuiper/protocol'));
let mod;
// KUIPER_FROM_SOURCE=1 (the CLI tests set it) runs the source even when a build is there: a dist/
// left by an earlier `npm run build` or bench would otherwise be what gets tested.
const fromSource = process.env.KUIPER_FROM_SOURCE === '1';
if (!fromSource && existsSync(fileURLToPath(built)) && existsSync(fileURLToPath(protocol))) {
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
