/**
 * [PROTO-30] [PROTO-31] The package stays what it promises: no dependencies, nothing of Node or the
 * browser (it builds with neither's types), and the only definition of a Bayeux message anywhere in
 * the repository, which the server, the client, the benchmark and the tests all import.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function tsFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

// Fields only a Bayeux message has besides `channel`; a type with `channel` and two of these is one.
const BAYEUX_FIELDS = ['clientId', 'successful', 'subscription', 'advice', 'connectionType', 'supportedConnectionTypes', 'error', 'data'];

/** Names of the interfaces and object types in `text` that describe a Bayeux message. */
export function messageTypes(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\b(?:interface\s+(\w+)[^{=;]*|type\s+(\w+)(?:<[^>]*>)?\s*=\s*)\{/g)) {
    let depth = 1;
    let end = (m.index ?? 0) + m[0].length;
    while (depth > 0 && end < text.length) {
      const c = text[end++];
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    // Only the type's own fields count: a nested object type (`received: { channel; … }[]`) is not it.
    let body = text.slice((m.index ?? 0) + m[0].length, end - 1);
    while (/\{[^{}]*\}/.test(body)) body = body.replace(/\{[^{}]*\}/g, '');
    const has = (field: string): boolean => new RegExp(`(^|[\\s;{,])['"]?${field}['"]?\\??:`, 'm').test(body);
    if (has('channel') && BAYEUX_FIELDS.filter(has).length >= 2) found.push((m[1] ?? m[2]) as string);
  }
  return found;
}

describe('@kuiper/protocol', () => {
  it('[PROTO-31] the scanner recognises a message type, however it is written, and nothing else', () => {
    expect(messageTypes('interface Reply {\n  id?: string;\n  channel?: string;\n  successful?: boolean;\n  clientId?: string;\n}')).toEqual(['Reply']);
    expect(messageTypes('type Msg = { channel: string; data?: unknown; advice?: { timeout?: number } };')).toEqual(['Msg']);
    expect(messageTypes('interface Options { channel: string; timeout: number }\ntype Id = string;')).toEqual([]);
    expect(messageTypes('interface Server { received: { channel: string; clientId?: string; data: 1 }[] }')).toEqual([]);
  });

  it('[PROTO-31] exactly one definition of the wire Message exists in the repository', () => {
    const dirs = ['packages', 'bench', 'apps', 'scripts'].map((d) => join(ROOT, d));
    const definitions = dirs
      .flatMap(tsFiles)
      .filter((file) => file !== fileURLToPath(import.meta.url))
      .flatMap((file) => messageTypes(readFileSync(file, 'utf8')).map((name) => `${relative(ROOT, file)}: ${name}`));
    expect(definitions).toEqual(['packages/protocol/src/message.ts: Message']);
  });

  it('[PROTO-30] has no dependencies and imports nothing but its own files', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['dependencies']).toBeUndefined();
    expect(pkg['peerDependencies']).toBeUndefined();
    const imports = tsFiles(join(PACKAGE, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1] as string),
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((spec) => !spec.startsWith('./'))).toEqual([]);
  });

  it('[PROTO-30] builds with neither Node nor DOM types, so it runs in both', async () => {
    await expect(promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.build.json', '--noEmit'], { cwd: PACKAGE })).resolves.toBeDefined();
  }, 60_000);
});
