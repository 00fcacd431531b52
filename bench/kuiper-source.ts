// For a clone with no dist/ (the smoke test in CI): resolve @kuiper/* imports, and the packages' own
// `#` subpath imports (@kuiper/client's #globals), with the `source` condition, so tsx compiles the
// TypeScript source. packages/server/bin/source-conditions.js covers @kuiper/* only, which is enough
// for the server but not for the client. Every other package resolves as usual.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const HOOK = `export function resolve(specifier, context, next) {
  const own = specifier.startsWith('@kuiper/') || (specifier.startsWith('#') && (context.parentURL ?? '').includes('/packages/'));
  return own ? next(specifier, { ...context, conditions: [...context.conditions, 'source'] }) : next(specifier, context);
}`;

let hooked = false;

/** Whether every named package has its dist/ built; if not, @kuiper/* resolve to source from now on. */
export function useBuiltOrSource(packages: string[]): boolean {
  const built = packages.every((p) => existsSync(fileURLToPath(new URL(`../packages/${p}/dist/index.js`, import.meta.url))));
  if (!built && !hooked) {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    hooked = true;
  }
  return built;
}
