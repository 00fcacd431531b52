// The web-standard entry (API-4, issue 10): Kuiper served by `kuiper.fetch` inside a real fetch
// server (@hono/node-server), driven by the real cometd and faye clients, @kuiper/client and raw
// wire, as over node:http. Forever-frame needs a browser: see fetch-entry-browser.test.ts.
import {
  bayeux,
  cleanup,
  eventually,
  expectHealthy,
  handshakeMessage,
  msgId,
  newClient,
  rawGet,
  rawHandshake,
  replyTo,
  type WireMessage,
} from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { createKuiperServer } from '../../src/index.js';
import { ChunkedPost, MiB, expectTwelveMiBRefused } from '../helpers/big-body.js';
import { connectedCometD } from '../helpers/cometd.js';
import { createFaye } from '../helpers/faye.js';
import { startFetchHosted } from '../helpers/fetch-host.js';
import { StreamReader, streamConnect } from '../streaming/stream-reader.js';

describe('[API-4] the real clients through kuiper.fetch', () => {
  it('[API-4][HTTP-1] the cometd client over long-polling: subscribe, publish, receive, call a service', async () => {
    const { url, kuiper } = await startFetchHosted();
    kuiper.addService('/service/echo', (data) => ({ echoed: data }));
    const subscriber = await connectedCometD(cleanup, url, 'long-polling');
    const publisher = await connectedCometD(cleanup, url, 'long-polling');
    const got: unknown[] = [];
    const { reply } = await subscriber.subscribe('/chat/fetch', (m) => got.push(m.data));
    expect(reply.successful).toBe(true);
    for (let n = 0; n < 10; n++) expect((await publisher.publish('/chat/fetch', { n })).successful).toBe(true);
    await kuiper.publish('/chat/fetch', { n: 10 });
    await eventually(() => expect(got).toEqual(Array.from({ length: 11 }, (_, n) => ({ n }))));
    const call = await publisher.remoteCall('echo', { hi: 1 });
    expect(call).toMatchObject({ successful: true, data: { echoed: { hi: 1 } } });
  });

  it('[API-4][HTTP-1] the faye client over long-polling', async () => {
    const { url } = await startFetchHosted();
    const subscriber = createFaye(cleanup, url, 'long-polling');
    const publisher = createFaye(cleanup, url, 'long-polling');
    const got: unknown[] = [];
    await subscriber.subscribe('/chat/faye', (data) => got.push(data));
    await publisher.publish('/chat/faye', { text: 'through fetch' });
    await eventually(() => expect(got).toEqual([{ text: 'through fetch' }]));
    expect(subscriber.connectionType()).toBe('long-polling');
  });

  for (const transport of ['eventsource', 'multipart-mime'] as const) {
    it(`[API-4][STREAM-4] @kuiper/client over ${transport}: one stream carries the deliveries, in order`, async () => {
      const { url, kuiper } = await startFetchHosted({ timeout: 5_000 });
      kuiper.addService('/service/echo', (data) => data);
      const client = newClient(url, { transports: [transport] });
      const got: number[] = [];
      await client.subscribe<number>('/s/*', (n) => got.push(n)).ready;
      for (let n = 0; n < 20; n++) await client.publish('/s/x', n);
      for (let n = 20; n < 25; n++) void kuiper.publish('/s/x', n);
      await eventually(() => expect(got).toEqual([...Array(25).keys()]));
      expect(client.transport).toBe(transport);
      await expect(client.call('/service/echo', { hi: transport })).resolves.toEqual({ hi: transport });
    });
  }

  it('[API-4][HTTP-4][HTTP-6] callback-polling: a whole session by JSONP GETs', async () => {
    const { url, kuiper } = await startFetchHosted();
    const jsonp = async (messages: WireMessage[]): Promise<WireMessage[]> => {
      const res = await rawGet(`${url}?${new URLSearchParams({ message: JSON.stringify(messages), jsonp: 'cb' })}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(res.text)));
      return JSON.parse(/^\/\*\*\/cb\(([\s\S]*)\);$/.exec(res.text)?.[1] ?? 'null') as WireMessage[];
    };
    const hs = handshakeMessage(['callback-polling']);
    const clientId = replyTo(await jsonp([hs]), hs.id).clientId as string;
    const first = { channel: '/meta/connect', clientId, connectionType: 'callback-polling', advice: { timeout: 0 }, id: msgId() };
    expect(replyTo(await jsonp([first]), first.id).successful).toBe(true);
    const sub = { channel: '/meta/subscribe', clientId, subscription: '/chat/jsonp', id: msgId() };
    expect(replyTo(await jsonp([sub]), sub.id).successful).toBe(true);
    const held = { channel: '/meta/connect', clientId, connectionType: 'callback-polling', id: msgId() };
    const answer = jsonp([held]);
    await kuiper.publish('/chat/jsonp', { via: 'jsonp' });
    const replies = await answer;
    expect(replies.map((m) => m.channel)).toEqual(['/chat/jsonp', '/meta/connect']);
    expect(replies[0]?.data).toEqual({ via: 'jsonp' });
  });

  it('[API-4][STREAM-10] forever-frame: the padded document and its script batches come through', async () => {
    const { url, kuiper } = await startFetchHosted();
    const clientId = await rawHandshake(url);
    await bayeux(url, [{ channel: '/meta/subscribe', clientId, subscription: '/ff', id: msgId() }]);
    const stream = await StreamReader.open(url, 'forever-frame', streamConnect(clientId, 'forever-frame'));
    cleanup.add(() => stream.abort());
    expect(stream.headers.get('content-type')).toMatch(/^text\/html/);
    await eventually(() => expect(stream.connectReplies()).toHaveLength(1));
    expect(stream.prelude.length).toBeGreaterThan(1024);
    await kuiper.publish('/ff', { a: '</script>' });
    await eventually(() => expect(stream.data('/ff')).toEqual([{ a: '</script>' }]));
  });
});

describe('[API-4] departures and limits through kuiper.fetch', () => {
  it('[API-4][STREAM-7] a client that goes away mid-stream ends its held connect (the session is then pruned)', async () => {
    const { url, kuiper } = await startFetchHosted({ maxInterval: 300, sweepIntervalMs: 50 });
    const removed: string[] = [];
    kuiper.on('session:removed', (e) => removed.push(e.clientId));
    const clientId = await rawHandshake(url);
    const stream = await StreamReader.open(url, 'eventsource', streamConnect(clientId, 'eventsource'));
    await eventually(() => expect(stream.connectReplies()).toHaveLength(1));
    // Held, the session outlives maxInterval (SESS-3) for the whole 30 s timeout...
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(removed).toEqual([]);
    // ...until the client leaves: the hold ends, and pruning follows maxInterval later.
    stream.abort();
    await eventually(() => expect(removed).toEqual([clientId]));
  });

  it('[API-4][CONN-1] a long-poll whose client aborts ends its held connect too', async () => {
    const { url, kuiper } = await startFetchHosted({ maxInterval: 300, sweepIntervalMs: 50 });
    const removed: string[] = [];
    kuiper.on('session:removed', (e) => removed.push(e.clientId));
    const clientId = await rawHandshake(url);
    await bayeux(url, [{ channel: '/meta/connect', clientId, connectionType: 'long-polling', advice: { timeout: 0 }, id: msgId() }]);
    const controller = new AbortController();
    const held = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: msgId() }]),
      signal: controller.signal,
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(removed).toEqual([]);
    controller.abort();
    await held;
    await eventually(() => expect(removed).toEqual([clientId]));
  });

  it('[API-4][HTTP-3] a 12 MiB POST through fetch gets its 413 and body, no EPIPE or reset', async () => {
    const { url } = await startFetchHosted();
    await expectTwelveMiBRefused(url);
    await expectHealthy(url);
  });

  it('[API-4][HTTP-3] a chunked body over maxBodyBytes through fetch gets 413 while it is still sent', async () => {
    const { url, port } = await startFetchHosted({ maxBodyBytes: 64 * 1024 });
    const post = new ChunkedPost(port);
    await post.send(MiB);
    await eventually(() => expect(post.status).toBe(413));
    expect(post.errors).toEqual([]);
    await expectHealthy(url);
  });
});

describe('[API-4] the entry itself', () => {
  it('[API-4] answers 404 for paths that are not Kuiper\'s, so the host can fall through', async () => {
    const { origin } = await startFetchHosted({}, (request) =>
      new URL(request.url).pathname === '/app' ? new Response('app page') : undefined,
    );
    expect((await rawGet(`${origin}/app`)).text).toBe('app page');
    expect((await rawGet(`${origin}/nope`)).status).toBe(404);
  });

  it('[API-4] routeHandlers() gives Next.js-style GET, POST and OPTIONS handlers', async () => {
    const kuiper = createKuiperServer({ path: '/bayeux', allowedOrigins: ['https://app.example'] });
    cleanup.add(() => kuiper.close());
    const { GET, POST, OPTIONS } = kuiper.routeHandlers();
    const hs = handshakeMessage();
    const res = await POST(new Request('https://app.example/bayeux/handshake', { method: 'POST', body: JSON.stringify([hs]) }));
    expect(res.status).toBe(200);
    const [reply] = (await res.json()) as WireMessage[];
    expect(reply).toMatchObject({ channel: '/meta/handshake', successful: true });
    const preflight = await OPTIONS(
      new Request('https://app.example/bayeux', { method: 'OPTIONS', headers: { origin: 'https://app.example' } }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const jsonp = await GET(new Request(`https://app.example/bayeux?${new URLSearchParams({ message: '[', jsonp: 'cb' })}`));
    expect(jsonp.status).toBe(400);
    expect(await jsonp.text()).toMatch(/^\/\*\*\/cb\(\[.*400::body_invalid.*\]\);$/);
  });
});
