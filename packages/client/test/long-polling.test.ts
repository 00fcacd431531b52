/** [CLI-9] The long-polling transport's connection budget and framing, with a fake fetch. */
import { describe, expect, it, vi } from 'vitest';
import { CookieJar } from '../src/cookie-jar.js';
import { createLogger, longPolling, type Message } from '../src/index.js';

function fakeFetch() {
  const requests: { body: Message[]; headers: Record<string, string>; finish: (replies: Message[], init?: ResponseInit) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const fetch = (_url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      active++;
      maxActive = Math.max(maxActive, active);
      init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      requests.push({
        body: JSON.parse(String(init.body)) as Message[],
        headers: init.headers as Record<string, string>,
        finish: (replies, responseInit) => {
          active--;
          resolve(new Response(JSON.stringify(replies), responseInit));
        },
      });
    });
  return { fetch, requests, maxActive: () => maxActive };
}

function create(fetch: ReturnType<typeof fakeFetch>['fetch'], received: Message[] = []) {
  return longPolling.create({
    url: 'http://127.0.0.1:1/bayeux',
    env: { fetch, WebSocket: undefined, document: undefined, cookies: undefined },
    logger: createLogger('test'),
    openTimeout: 1000,
    receive: (m) => received.push(...m),
    fail: () => {},
  });
}

describe('long-polling', () => {
  it('[CLI-9] holds one connect and one other request at most; later batches leave together', async () => {
    const f = fakeFetch();
    const received: Message[] = [];
    const t = create(f.fetch, received);
    const held = t.send([{ channel: '/meta/connect', id: '1' }], { held: true, timeoutMs: 5000 });
    const first = t.send([{ channel: '/a', id: '2' }], { held: false, timeoutMs: 5000 });
    const second = t.send([{ channel: '/b', id: '3' }], { held: false, timeoutMs: 5000 });
    const third = t.send([{ channel: '/c', id: '4' }], { held: false, timeoutMs: 5000 });
    await vi.waitFor(() => expect(f.requests).toHaveLength(2));
    expect(f.requests[1]?.headers['Content-Type']).toMatch(/^application\/json/);
    f.requests[1]?.finish([{ channel: '/a', id: '2', successful: true }]);
    await first;
    await vi.waitFor(() => expect(f.requests).toHaveLength(3));
    expect(f.requests[2]?.body.map((m) => m.channel)).toEqual(['/b', '/c']);
    f.requests[2]?.finish([]);
    await Promise.all([second, third]);
    expect(f.maxActive()).toBe(2);
    f.requests[0]?.finish([{ channel: '/meta/connect', id: '1', successful: true }]);
    await held;
    expect(received.map((m) => m.id)).toEqual(['2', '1']);
    t.close();
  });

  it('[CLI-9] a non-200 answer rejects the send; close() rejects what is in flight', async () => {
    const f = fakeFetch();
    const t = create(f.fetch);
    const bad = t.send([{ channel: '/a', id: '1' }], { held: false, timeoutMs: 5000 });
    await vi.waitFor(() => expect(f.requests).toHaveLength(1));
    f.requests[0]?.finish([], { status: 500 });
    await expect(bad).rejects.toThrow('HTTP 500');
    const held = t.send([{ channel: '/meta/connect', id: '2' }], { held: true, timeoutMs: 5000 });
    t.close();
    await expect(held).rejects.toThrow(/closed/);
    await expect(t.send([], { held: false, timeoutMs: 10 })).rejects.toThrow(/closed/);
  });

  it('[CLI-9] a request without an answer in time is aborted with a clear error', async () => {
    const f = fakeFetch();
    const t = create(f.fetch);
    await expect(t.send([{ channel: '/a', id: '1' }], { held: false, timeoutMs: 30 })).rejects.toThrow('no HTTP response within 30 ms');
    t.close();
  });

  it('[CLI-9] keeps and returns cookies when the environment has a jar (Node)', async () => {
    const cookies = new CookieJar();
    const f = fakeFetch();
    const t = longPolling.create({
      url: 'http://127.0.0.1:1/bayeux',
      env: { fetch: f.fetch, WebSocket: undefined, document: undefined, cookies },
      logger: createLogger('test'),
      openTimeout: 1000,
      receive: () => {},
      fail: () => {},
    });
    const one = t.send([{ channel: '/a' }], { held: false, timeoutMs: 1000 });
    await vi.waitFor(() => expect(f.requests).toHaveLength(1));
    f.requests[0]?.finish([], { headers: { 'Set-Cookie': 'BAYEUX_BROWSER=abc; Path=/; HttpOnly' } });
    await one;
    const two = t.send([{ channel: '/b' }], { held: false, timeoutMs: 1000 });
    await vi.waitFor(() => expect(f.requests).toHaveLength(2));
    expect(f.requests[1]?.headers['Cookie']).toBe('BAYEUX_BROWSER=abc');
    f.requests[1]?.finish([]);
    await two;
    t.close();
  });
});
