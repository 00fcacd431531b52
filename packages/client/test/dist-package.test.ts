/**
 * The package as an app installs it: `pnpm build` compiles src to dist, and a plain Node import of
 * `@kuiper/client` (no `source` condition, so package.json's `default` entries) resolves to dist,
 * including the Node-only `#globals`. That build then talks to a Kuiper server over both
 * transports Node offers.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKuiperServer } from '../../server/src/index.js';
import { onCleanup } from './helpers/cleanup.js';

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
// dist/ imports @kuiper/protocol, whose plain-Node entry is its own dist/: built first, as `pnpm build` does.
const PROTOCOL = fileURLToPath(new URL('../../protocol', import.meta.url));
const TSC = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

// Self-reference by package name from inside the package: Node applies the exports map.
const SCRIPT = `
import { createClient } from '@kuiper/client';
const resolved = import.meta.resolve('@kuiper/client');
const out = { resolved, got: {} };
for (const transport of ['websocket', 'long-polling']) {
  const client = createClient(process.env.URL, { transports: [transport] });
  const got = new Promise((resolve) => client.subscribe('/dist/' + transport, (data) => resolve(data)));
  await client.whenConnected();
  await client.publish('/dist/' + transport, { over: transport });
  out.got[transport] = await got;
  await client.disconnect();
}
console.log(JSON.stringify(out));
`;

describe('the built package', () => {
  beforeAll(async () => {
    await run(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: PROTOCOL });
    await run(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: PACKAGE });
  }, 90_000);

  it('[CLI-34] a plain Node import of @kuiper/client runs dist/ and works over websocket and long-polling', async () => {
    const server = createKuiperServer({ path: '/bayeux', timeout: 5_000 });
    const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
    onCleanup(() => server.close());
    const env: NodeJS.ProcessEnv = { ...process.env, URL: url };
    delete env['NODE_OPTIONS'];
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: PACKAGE, env, timeout: 20_000 });
    const out = JSON.parse(stdout) as { resolved: string; got: Record<string, unknown> };
    expect(out.resolved).toMatch(/\/packages\/client\/dist\/index\.js$/);
    expect(out.got).toEqual({ websocket: { over: 'websocket' }, 'long-polling': { over: 'long-polling' } });
  }, 40_000);
});
