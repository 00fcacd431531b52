// [DELIV-2] A stream whose reader fell behind resumes when it catches up, on each host: a fetch
// body (its `pull`) and a node response (its `drain`). Neither sink has a look-again timer, so a
// missed drain would leave the deliveries queued and these tests would time out.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, eventually, onCleanup, rawHandshake, startKuiper } from '@kuiper/testkit';
import { createKuiperServer } from '../../src/index.js';
import { subscribe } from './stream-contract.js';
import { streamConnect, streamUrl } from './stream-reader.js';

const COUNT = 40;
const chunk = 'x'.repeat(64 * 1024);

/** The numbers of the /flood deliveries in what a stream carried so far. */
const numbers = (text: string): number[] => [...text.matchAll(/"n":(\d+)/g)].map((m) => Number(m[1]));

/** One delivery per turn, so the flow writes each alone and finds the stream full after the first few. */
async function flood(kuiper: { publish(channel: string, data: unknown): Promise<number> }, count = COUNT): Promise<void> {
  for (let n = 0; n < count; n++) {
    await kuiper.publish('/flood', { n, chunk });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('[DELIV-2] a backed-up stream resumes on drain', () => {
  it('through kuiper.fetch: the body is not read until 2.5 MiB are queued, then everything comes, in order', async () => {
    // The web-standard entry in process (fetch-entry.test.ts covers it behind a real host).
    const kuiper = createKuiperServer({ ...DEFAULT_OPTIONS });
    await kuiper.ready();
    onCleanup(() => kuiper.close());
    const base = 'http://127.0.0.1/bayeux';
    const post = async (messages: unknown[]): Promise<Array<Record<string, unknown>>> => {
      const res = await kuiper.fetch(new Request(base, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(messages) }));
      return (await res.json()) as Array<Record<string, unknown>>;
    };
    const [hs] = await post([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['eventsource'] }]);
    const clientId = String(hs?.['clientId']);
    const [sub] = await post([{ channel: '/meta/subscribe', clientId, subscription: '/flood' }]);
    expect(sub?.['successful']).toBe(true);
    const res = await kuiper.fetch(new Request(streamUrl(base, 'eventsource', [streamConnect(clientId, 'eventsource')])));
    const reader = res.body!.getReader();
    onCleanup(() => reader.cancel());
    await flood(kuiper);
    let text = '';
    const decoder = new TextDecoder();
    await eventually(async () => {
      const { value } = await reader.read();
      if (value) text += decoder.decode(value, { stream: true });
      expect(numbers(text)).toHaveLength(COUNT);
    }, 10_000);
    expect(numbers(text)).toEqual([...Array(COUNT).keys()]);
  });

  it('through node:http: a reader that pauses and resumes gets everything, in order', async () => {
    // The queue's byte bound is raised so that nothing is dropped while the reader is paused.
    const { url, port, server: kuiper } = await startKuiper({ limits: { maxQueueBytes: 64 * 1024 * 1024 } });
    const clientId = await rawHandshake(url);
    await subscribe(url, clientId, '/flood');
    const socket = connect(port, '127.0.0.1');
    onCleanup(() => socket.destroy());
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      text += data;
    });
    const target = new URL(streamUrl(url, 'eventsource', [streamConnect(clientId, 'eventsource')]));
    socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await eventually(() => expect(text).toContain('/meta/connect'));
    // Not read: the kernel's buffers and then the response's fill, and the flow waits for `drain`.
    socket.pause();
    // 20 MiB: more than loopback socket buffers take, so the response backs up.
    await flood(kuiper, 8 * COUNT);
    socket.resume();
    await eventually(() => expect(numbers(text)).toHaveLength(8 * COUNT), 15_000);
    expect(numbers(text)).toEqual([...Array(8 * COUNT).keys()]);
  });
});
