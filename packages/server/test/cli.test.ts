import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/kuiper.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** Starts `kuiper serve` and resolves with the URL from its one "listening" line. */
function serve(args: string[]): Promise<string> {
  child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, KUIPER_LOG: 'info' } });
  return new Promise((resolve, reject) => {
    let out = '';
    child?.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /kuiper listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child?.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('kuiper serve', () => {
  it('[API-3] starts from the command line, speaks Bayeux and serves stats', async () => {
    const url = await serve(['--port', '0', '--host', '127.0.0.1', '--path', '/bayeux', '--stats']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bayeux$/);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] }]),
    });
    const [reply] = (await res.json()) as { clientId: string; successful: boolean }[];
    expect(reply?.successful).toBe(true);
    await fetch(url, {
      method: 'POST',
      body: JSON.stringify([{ channel: '/meta/subscribe', clientId: reply?.clientId, subscription: '/x/**' }]),
    });
    const stats = await (await fetch(new URL('/_kuiper/stats', url))).json();
    expect(stats).toEqual({ clients: 1, channels: 2, subscriptions: 1 });
  });

  it('refuses a bad flag with a clear message and exit code 2', async () => {
    const c = spawn(process.execPath, [bin, 'serve', '--port', 'abc']);
    let err = '';
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => c.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('--port must be a whole number');
  });
});
