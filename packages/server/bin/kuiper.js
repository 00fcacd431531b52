#!/usr/bin/env node
// Runs the built CLI when there is one (published package), else the TypeScript source through tsx
// (a clone of the repository), so `kuiper serve` works in both without a build step.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
let mod;
if (existsSync(fileURLToPath(built))) {
  mod = await import(built.href);
} else {
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
