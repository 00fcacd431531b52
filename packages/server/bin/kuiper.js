#!/usr/bin/env node
// Runs the built CLI when there is one (published package), else the TypeScript source through tsx
// (a clone of the repository), so `kuiper serve` works in both without a build step.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

// In a clone the workspace packages (@kuiper/protocol) have no dist/ either, and tsx resolves
// package imports through Node's default conditions, which pick `default` (dist). This hook adds
// the `source` condition — what the tests use — for @kuiper/* imports only, so they resolve to
// src/*.ts and tsx compiles them; every other package resolves as usual. It lives here, not behind
// a node flag, because a bin cannot choose its own node flags.
const SOURCE_CONDITION = `export function resolve(specifier, context, next) {
  if (!specifier.startsWith('@kuiper/')) return next(specifier, context);
  return next(specifier, { ...context, conditions: [...context.conditions, 'source'] });
}`;

const built = new URL('../dist/cli.js', import.meta.url);
let mod;
if (existsSync(fileURLToPath(built))) {
  mod = await import(built.href);
} else {
  registerHooks(`data:text/javascript,${encodeURIComponent(SOURCE_CONDITION)}`);
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
