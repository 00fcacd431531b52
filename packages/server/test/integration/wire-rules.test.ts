// Wire rules that had no test naming them: a disabled transport, the root mount, how a stream GET
// is told from callback-polling, service calls authorized as publishes, WebSocket coalescing and
// flow control. Spoken raw, with no client library.
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import {
  cleanup,
  RawSocket,
  bayeux,
  eventually,
  handshakeMessage,
  immediateConnect,
  msgId,
  rawGet,
  rawPost,
  rawHandshake,
  replyTo,
  startKuiper,
  subscribedSession,
  type WireMessage,
  onCleanup,
  exchange,
} from '@kuiper/testkit';
import { streamUrl } from '../streaming/stream-reader.js';

describe('HTTP', () => {
  it('[HTTP-7] a disabled transport answers 400::connection_type_unsupported', async () => {
    const { url } = await startKuiper({ transports: ['websocket'] });
    const res = await rawPost(url, JSON.stringify([handshakeMessage(['long-polling'])]));
    expect(res.status).toBe(400);
    expect(res.json).toEqual([expect.objectContaining({ successful: false, error: '400::connection_type_unsupported' })]);
    const jsonp = await rawGet(`${url}?${new URLSearchParams({ message: JSON.stringify([handshakeMessage(['callback-polling'])]) })}`);
    expect(jsonp.text).toContain('400::connection_type_unsupported');
  });

  it('[HTTP-9] mounted at /, the cometd sub-paths /handshake, /connect and /disconnect answer', async () => {
    const { port } = await startKuiper({ path: '/' });
    const root = `http://127.0.0.1:${port}`;
    const hs = handshakeMessage();
    const clientId = replyTo(await bayeux(`${root}/handshake`, [hs]), hs.id).clientId!;
    expect(clientId).toEqual(expect.any(String));
    expect((await exchange(`${root}/connect`, immediateConnect(clientId))).successful).toBe(true);
    expect((await exchange(`${root}/disconnect`, { channel: '/meta/disconnect', clientId })).successful).toBe(true);
    expect(await exchange(`${root}/`, immediateConnect(clientId))).toMatchObject({ error: '402::session_unknown' });
  });

  it('[STREAM-2] a GET with transport=eventsource opens a stream; without transport it is callback-polling', async () => {
    const { url } = await startKuiper();
    const clientId = await rawHandshake(url);
    const now = { ...immediateConnect(clientId, 'eventsource') };
    const stream = await rawGet(streamUrl(url, 'eventsource', [now]));
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.text).toContain(`"id":"${now.id}"`);
    const jsonp = await rawGet(`${url}?${new URLSearchParams({ message: JSON.stringify([immediateConnect(clientId, 'callback-polling')]) })}`);
    expect(jsonp.text).toMatch(/^\/\*\*\/jsonpcallback\(\[.*"successful":true.*\]\);$/s);
  });
});

describe('services', () => {
  it('[SEC-5] a /service call is authorized as a publish to its channel', async () => {
    const asked: string[] = [];
    const { url, server: kuiper } = await startKuiper({
      policy: { canPublish: (_s, channel) => (asked.push(channel), channel !== '/service/closed' || 'closed') },
    });
    kuiper.addService('/service/open', (data) => data);
    kuiper.addService('/service/closed', () => 'never');
    kuiper.addService('/service/guarded', () => 'never');
    const ops: string[] = [];
    kuiper.authorize('/service/guarded', (op) => (ops.push(op), 'deny'));
    const clientId = await rawHandshake(url);
    expect(await exchange(url, { channel: '/service/open', clientId, data: 7 })).toMatchObject({ successful: true, data: 7 });
    expect(await exchange(url, { channel: '/service/closed', clientId, data: 1 })).toMatchObject({ error: '403:closed:publish_denied' });
    expect(await exchange(url, { channel: '/service/guarded', clientId, data: 1 })).toMatchObject({ error: '403:denied_by_authorizer:publish_denied' });
    expect(asked).toEqual(['/service/open', '/service/closed', '/service/guarded']);
    expect(ops).toEqual(['publish']);
  });
});

describe('WebSocket', () => {
  it('[WS-2] deliveries queued in one turn go in one frame at once; the held connect answers when its time is up', async () => {
    const { url, wsUrl, server: kuiper } = await startKuiper({ timeout: 300 });
    const socket = await RawSocket.open(cleanup, wsUrl);
    const clientId = (await socket.request(handshakeMessage(['websocket']))).clientId!;
    await socket.request(immediateConnect(clientId, 'websocket'));
    await socket.request({ channel: '/meta/subscribe', clientId, subscription: '/ws2', id: msgId() });
    const held = { channel: '/meta/connect', clientId, connectionType: 'websocket', id: msgId() };
    socket.send([held]);
    await subscribedSession(url, '/elsewhere'); // a round trip: the connect is held by now
    const before = socket.frames.length;
    for (let n = 0; n < 3; n++) void kuiper.publish('/ws2', { n });
    await eventually(() => expect(socket.frames.length).toBeGreaterThan(before));
    const frame = JSON.parse(socket.frames[before]!) as WireMessage[];
    expect(frame.map((m) => m.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(socket.reply(held.id)).toBeUndefined();
    await eventually(() => expect(socket.reply(held.id)).toMatchObject({ successful: true }));
  });

  it('[LIMIT-7] a client sending frames faster than they are answered is not read from until it catches up', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const server = await startKuiper({ policy: { canPublish: async () => (await gate, true) } });
    const ws = new WebSocket(server.wsUrl);
    onCleanup(() => ws.terminate());
    const replies: WireMessage[] = [];
    ws.on('message', (raw) => replies.push(...(JSON.parse(raw.toString()) as WireMessage[])));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify([handshakeMessage(['websocket'])]));
    await eventually(() => expect(replies).toHaveLength(1));
    const clientId = replies[0]!.clientId!;
    const FRAME = 200_000;
    const FRAMES = 100;
    for (let i = 0; i < FRAMES; i++) ws.send(JSON.stringify([{ channel: '/flow', clientId, data: 'x'.repeat(FRAME), id: `p${i}` }]));
    // The first publish waits on the gate; the server stops reading after 16 frames in flight.
    const [tcp] = [...server.sockets];
    await eventually(() => expect(tcp!.bytesRead).toBeGreaterThan(16 * FRAME));
    await new Promise((resolve) => setImmediate(resolve));
    expect(tcp!.bytesRead).toBeLessThan(24 * FRAME);
    expect(ws.bufferedAmount).toBeGreaterThan(0);
    open();
    await eventually(() => expect(replies).toHaveLength(FRAMES + 1), 15_000);
    expect(replies.slice(1).map((r) => r.id)).toEqual([...Array(FRAMES).keys()].map((i) => `p${i}`));
  });
});
