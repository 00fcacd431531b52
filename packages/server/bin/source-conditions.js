// In a clone of the repository the workspace packages (@kuiper/protocol) have no dist/ until
// `pnpm build`, and tsx resolves package imports with Node's default conditions, which pick each
// package's `default` entry (dist). This resolve hook adds the `source` condition — the one the tests
// use — to @kuiper/* imports only, so they resolve to src/*.ts, which tsx compiles; every other
// package resolves as usual. A hook rather than `node --conditions=source` because a bin cannot
// choose its own node flags.
import { register } from 'node:module';

// A package's own imports (#globals in @kuiper/client) from its TypeScript source resolve the same way.
const HOOK = `export function resolve(specifier, context, next) {
  const own = specifier.startsWith('#') && context.parentURL !== undefined && context.parentURL.endsWith('.ts');
  if (!specifier.startsWith('@kuiper/') && !own) return next(specifier, context);
  return next(specifier, { ...context, conditions: [...context.conditions, 'source'] });
}`;

/** From now on, @kuiper/* imports in this process resolve to the packages' TypeScript source. */
export function resolveKuiperFromSource() {
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
}
