// `kuiper serve --redis`: two processes from the command line share sessions (SPEC: REDIS-1, REDIS-5).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bayeux, immediateConnect, msgId, rawHandshake, replyTo } from '@kuiper/testkit';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';

const bin = fileURLToPath(new URL('../../bin/kuiper.js', import.meta.url));
const children: ChildProcess[] = [];
const prefix = randomPrefix();

beforeAll(requireRedis);
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});
afterAll(() => deletePrefix(prefix));

function run(args: string[]): { child: ChildProcess; listening: Promise<string>; exited: Promise<{ code: number | null; err: string }> } {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, KUIPER_LOG: 'silent', KUIPER_FROM_SOURCE: '1' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; err: string }>((resolve) => child.once('exit', (code) => resolve({ code, err })));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /kuiper listening on (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then(({ code }) => reject(new Error(`exited ${code}: ${out}${err}`)));
  });
  listening.catch(() => {}); // a test that expects the exit does not wait for this
  return { child, listening, exited };
}

describe('kuiper serve --redis', () => {
  it('[REDIS-1] two processes on one Redis serve one session: handshake on one, subscribe and connect on the other', async () => {
    const flags = ['--port', '0', '--redis', REDIS_URL, '--redis-prefix', prefix];
    const [a, b] = await Promise.all([run(flags).listening, run(flags).listening]);
    const id = await rawHandshake(a);
    const sub = { channel: '/meta/subscribe', clientId: id, subscription: '/cli', id: msgId() };
    expect(replyTo(await bayeux(b, [sub]), sub.id).successful).toBe(true);
    const publisher = await rawHandshake(b);
    const pub = { channel: '/cli', clientId: publisher, data: 'across processes', id: msgId() };
    expect(replyTo(await bayeux(a, [pub]), pub.id).successful).toBe(true);
    const replies = await bayeux(b, [immediateConnect(id)]);
    expect(replies.filter((m) => m.channel === '/cli').map((m) => m.data)).toEqual(['across processes']);
  });

  it('[REDIS-5] fails at start, with the reason, when Redis cannot be reached', async () => {
    const { exited } = run(['--port', '0', '--redis', 'redis://127.0.0.1:1']);
    const { code, err } = await exited;
    expect(code).toBe(2);
    expect(err).toMatch(/cannot use Redis/);
  });

  it('refuses a --redis that is not a redis URL', async () => {
    const { exited } = run(['--port', '0', '--redis', 'localhost:6379']);
    const { code, err } = await exited;
    expect(code).toBe(2);
    expect(err).toContain('--redis must be a redis:// or rediss:// URL');
  });
});
