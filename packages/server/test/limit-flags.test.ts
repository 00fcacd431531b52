// The last limits that were fixed in code (issue 15), now settings: messages per request
// (LIMIT-11), clientId length (LIMIT-9) and WebSocket frames in flight (LIMIT-7). Each is shown
// changing what a real client sees: `kuiper serve` processes for the first two; the third needs a
// service that answers slowly, which only the embedding API can add, so it runs in this process
// with the options `kuiper serve` would build from the same flags.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cleanup, handshakeMessage, msgId, rawHandshake, rawPost, RawSocket, startKuiper, type WireMessage } from '@kuiper/testkit';
import { readServeCommand } from '../src/cli-args.js';
import { serverOptions } from '../src/cli.js';
import { runKuiper, serveKuiper, stopKuiperProcesses } from './helpers/kuiper-process.js';

afterEach(stopKuiperProcesses);
const dir = mkdtempSync(join(tmpdir(), 'kuiper-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each `kuiper serve` starts from source (a few seconds on a busy machine): generous bounds.
const SLOW = 60_000;

const publishes = (clientId: string, n: number): WireMessage[] =>
  Array.from({ length: n }, (_, i) => ({ channel: '/batch', clientId, data: i, id: msgId() }));

describe('[LIMIT-11] messages per request', () => {
  it('[LIMIT-11] [SERVE-5] a batch of 1001 messages is refused by default; --max-messages-per-request 2000 takes it', async () => {
    const byDefault = await serveKuiper([]);
    const refused = await rawPost(byDefault, JSON.stringify(publishes(await rawHandshake(byDefault), 1001)));
    expect(refused.status).toBe(400);
    expect((refused.json as WireMessage[])[0]?.error).toBe('400::body_invalid');
    const exactly = await rawPost(byDefault, JSON.stringify(publishes(await rawHandshake(byDefault), 1000)));
    expect((exactly.json as WireMessage[]).filter((m) => m.successful === true)).toHaveLength(1000);

    const raised = await serveKuiper(['--max-messages-per-request', '2000']);
    const accepted = await rawPost(raised, JSON.stringify(publishes(await rawHandshake(raised), 1001)));
    expect(accepted.status).toBe(200);
    expect((accepted.json as WireMessage[]).filter((m) => m.channel === '/batch' && m.successful === true)).toHaveLength(1001);
  }, SLOW);

  it('[LIMIT-11] [SERVE-2] "maxMessagesPerRequest" in a config file bounds a WebSocket frame too; the socket stays open', async () => {
    const config = join(dir, 'kuiper.json');
    writeFileSync(config, JSON.stringify({ maxMessagesPerRequest: 5 }));
    const url = await serveKuiper(['--config', config]);
    const socket = await RawSocket.open(cleanup, url.replace(/^http/, 'ws'));
    const hs = await socket.request(handshakeMessage(['websocket']));
    const clientId = String(hs.clientId);
    socket.send(publishes(clientId, 6));
    await expect.poll(() => socket.received.some((m) => m.error === '400::body_invalid')).toBe(true);
    expect(socket.received.filter((m) => m.channel === '/batch')).toHaveLength(0);
    socket.send(publishes(clientId, 5));
    await expect.poll(() => socket.received.filter((m) => m.channel === '/batch' && m.successful === true).length).toBe(5);
    expect(socket.closed).toBe(false);
  }, SLOW);
});

describe('[LIMIT-9] clientId length', () => {
  const longId = 'x'.repeat(200);
  const connect = (clientId: string): WireMessage => ({ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: msgId() });

  it('[LIMIT-9] [SERVE-5] a 200-character clientId is refused as invalid by default; --max-client-id-length 256 lets it through to the session lookup', async () => {
    const byDefault = await serveKuiper([]);
    const refused = (await rawPost(byDefault, JSON.stringify([connect(longId)]))).json as WireMessage[];
    expect(refused[0]).toMatchObject({ successful: false, error: '400:clientId:message_invalid' });

    const raised = await serveKuiper(['--max-client-id-length', '256']);
    const unknown = (await rawPost(raised, JSON.stringify([connect(longId)]))).json as WireMessage[];
    expect(unknown[0]).toMatchObject({ successful: false, error: '402::session_unknown' });
    // The server's own ids still work under the raised limit.
    const clientId = await rawHandshake(raised);
    const first = (await rawPost(raised, JSON.stringify([{ ...connect(clientId), advice: { timeout: 0 } }]))).json as WireMessage[];
    expect(first[0]).toMatchObject({ successful: true });
  }, SLOW);

  it('[LIMIT-9] [SERVE-3] a limit under 64 would refuse the server\'s own ids: exit 2 naming the flag', async () => {
    const { code, err } = await runKuiper(['serve', '--max-client-id-length', '10']).exited;
    expect(code).toBe(2);
    expect(err).toContain('--max-client-id-length must be a whole number ≥ 64');
    const other = await Promise.all([['--ws-frames-in-flight', '0'], ['--max-messages-per-request', 'many']].map((flags) => runKuiper(['serve', ...flags]).exited));
    expect(other.map((r) => r.code)).toEqual([2, 2]);
    expect(other[0]?.err).toContain('--ws-frames-in-flight must be a whole number ≥ 1');
    expect(other[1]?.err).toContain('--max-messages-per-request must be a whole number ≥ 1');
  }, SLOW);
});

describe('[LIMIT-7] WebSocket frames in flight', () => {
  const FRAME_BYTES = 512 * 1024;
  const FRAMES = 128; // 64 MiB: more than the loopback socket buffers of both ends can hold
  const MiB = 1024 * 1024;

  /**
   * A server built from these `kuiper serve` flags, with a service that answers only when let go;
   * a client blocks it with its first frame and then sends FRAMES large frames.
   */
  async function blockedClient(flags: string[]): Promise<{ ws: WebSocket; release: () => void; replies: () => number }> {
    const options = serverOptions(readServeCommand(['serve', ...flags]).settings);
    const { server, wsUrl } = await startKuiper({ ...options, reclaimMemory: false, limits: { ...options.limits, publishRate: false } });
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let called = (): void => {};
    const blocking = new Promise<void>((resolve) => (called = resolve));
    server.addService('/service/block', async () => {
      called();
      await released;
      return 'done';
    });
    server.addService('/service/bulk', () => undefined);
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    cleanup.add(() => ws.terminate());
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let replies = 0;
    let clientId = '';
    const handshaken = new Promise<void>((resolve) =>
      ws.on('message', (raw) => {
        for (const m of JSON.parse(String(raw)) as WireMessage[]) {
          if (m.channel === '/meta/handshake') {
            clientId = String(m.clientId);
            resolve();
          }
          if (m.channel === '/service/bulk') replies++;
        }
      }),
    );
    ws.send(JSON.stringify([handshakeMessage(['websocket'])]));
    await handshaken;
    ws.send(JSON.stringify([{ channel: '/service/block', clientId, id: msgId() }]));
    await blocking;
    const filler = 'x'.repeat(FRAME_BYTES);
    for (let i = 0; i < FRAMES; i++) ws.send(`[{"channel":"/service/bulk","clientId":"${clientId}","id":"b${i}","data":"${filler}"}]`);
    return { ws, release, replies: () => replies };
  }

  it('[LIMIT-7] by default a client whose frame is not yet answered is read 16 frames ahead, then not at all: its sends stay buffered until the answer', async () => {
    const { ws, release, replies } = await blockedClient([]);
    // The server stopped reading: past what the two sockets' buffers hold, the sends wait in the client.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(ws.bufferedAmount).toBeGreaterThan(16 * MiB);
    expect(replies()).toBe(0);
    release();
    await expect.poll(() => replies(), { timeout: 30_000 }).toBe(FRAMES);
    expect(ws.bufferedAmount).toBe(0);
  }, SLOW);

  it('[LIMIT-7] [SERVE-5] with --ws-frames-in-flight 1000 the same client is read to the end while its first frame waits', async () => {
    const { ws, release, replies } = await blockedClient(['--ws-frames-in-flight', '1000']);
    await expect.poll(() => ws.bufferedAmount, { timeout: 30_000 }).toBe(0);
    expect(replies()).toBe(0);
    release();
    await expect.poll(() => replies(), { timeout: 30_000 }).toBe(FRAMES);
  }, SLOW);
});
