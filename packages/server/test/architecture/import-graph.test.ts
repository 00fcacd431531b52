/**
 * [ARCH-1] [ARCH-2] [ARCH-3] [ARCH-4] The folders are the architecture, checked on every run: the
 * import graph of every package's src/ has no cycle, the server's layers import only downward, the
 * default entry never loads ioredis, and no source file outgrows what a reader takes in at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const packages = readdirSync(join(root, 'packages'));

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

// Static and dynamic imports, and re-exports; type-only imports count too (a type cycle is still a cycle of ideas).
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Graph {
  edges: Map<string, string[]>;
  bare: Map<string, string[]>;
}

function buildGraph(): Graph {
  const edges = new Map<string, string[]>();
  const bare = new Map<string, string[]>();
  for (const pkg of packages) {
    for (const file of sourceFiles(join(root, 'packages', pkg, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const local: string[] = [];
      const external: string[] = [];
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (!spec) continue;
        if (spec.startsWith('.')) local.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts').replace(/\.jsx$/, '.tsx'));
        else external.push(spec);
      }
      edges.set(file, local);
      bare.set(file, external);
    }
  }
  return { edges, bare };
}

const graph = buildGraph();
const rel = (file: string): string => relative(root, file);

function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of edges.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Which server folders a folder may import from (besides itself); root files may import anything. */
const SERVER_LAYERS: Record<string, readonly string[]> = {
  core: [],
  engines: ['core'],
  extensions: ['core'],
  transports: ['core'],
  adapters: ['core', 'transports'],
};

function serverLayer(file: string): string | undefined {
  const path = relative(join(root, 'packages/server/src'), file);
  if (path.startsWith('..')) return undefined;
  const parts = path.split('/');
  return parts.length > 1 ? parts[0] : '(root)';
}

describe('architecture', () => {
  it('[ARCH-1] no package has an import cycle', () => {
    const cycle = findCycle(graph.edges);
    expect(cycle?.map(rel), 'an import cycle').toBeUndefined();
  });

  it('[ARCH-1] the cycle check finds a cycle when there is one', () => {
    const edges = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]);
    expect(findCycle(edges)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('[ARCH-2] the server layers import only downward: core ← engines, extensions, transports ← adapters ← facade', () => {
    const violations: string[] = [];
    for (const [file, imports] of graph.edges) {
      const from = serverLayer(file);
      if (from === undefined || from === '(root)') continue;
      const allowed = SERVER_LAYERS[from];
      if (!allowed) {
        violations.push(`${rel(file)}: folder "${from}" has no place in the layering`);
        continue;
      }
      for (const target of imports) {
        const to = serverLayer(target);
        if (to === undefined) violations.push(`${rel(file)} reaches outside the package: ${rel(target)}`);
        else if (to !== from && !allowed.includes(to)) violations.push(`${rel(file)} (${from}) imports ${rel(target)} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('[ARCH-3] @kuiper/server loads ioredis only through the @kuiper/server/redis subpath', () => {
    const seen = new Set<string>();
    const pending = [join(root, 'packages/server/src/index.ts')];
    const external = new Set<string>();
    for (let file = pending.pop(); file; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of graph.bare.get(file) ?? []) external.add(spec);
      pending.push(...(graph.edges.get(file) ?? []));
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...external].filter((spec) => spec.startsWith('ioredis'))).toEqual([]);
    expect(graph.bare.get(join(root, 'packages/server/src/engines/redis/link.ts'))).toContain('ioredis');
  });

  it('[ARCH-4] no source file is over 450 lines', () => {
    const long = [...graph.edges.keys()]
      .map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 450);
    expect(long).toEqual([]);
  });
});
