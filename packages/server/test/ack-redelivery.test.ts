// [ACK-4] A connect whose ack shows that the batch in flight was lost is not held: it is answered
// at once with the redelivery. Without this rule a client that lost a response would wait a full
// `timeout` for messages the server already has. Checked on the core with no I/O.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ackExtension } from '../src/extensions/ack.js';
import { ExtensionPipeline } from '../src/core/extension.js';
import type { Message } from '@kuiper/protocol';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
afterEach(() => h?.close());

/** A connect that asks for no particular hold: the server's full `timeout` applies. */
const connect = (clientId: string, ack: number, timeout?: number) => ({
  channel: '/meta/connect',
  clientId,
  connectionType: 'long-polling',
  ext: { ack },
  ...(timeout === undefined ? {} : { advice: { timeout } }),
});

const batchOf = (replies: Message[]): number => replies.at(-1)?.ext?.['ack'] as number;

async function ackSession(): Promise<string> {
  const pipeline = new ExtensionPipeline();
  pipeline.add(ackExtension());
  // An hour: a connect that is held would never answer within the test.
  h = harness({ extensions: pipeline, timeout: 3_600_000 });
  const [hs] = await h.send({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], ext: { ack: true } });
  const clientId = hs?.clientId as string;
  await h.send({ channel: '/meta/subscribe', clientId, subscription: '/n' });
  return clientId;
}

describe('[ACK-4] a stale ack is answered at once', () => {
  it('redelivers the lost batch, first and in order, without holding the connect', async () => {
    const id = await ackSession();
    const first = await h.send(connect(id, 0, 0));
    for (const n of [1, 2, 3]) await h.engine.publish({ channel: '/n', data: n });
    // This response is "lost": the client never sees batch `lost` and acknowledges `first` again.
    const lost = await h.send(connect(id, batchOf(first), 0));
    expect(lost.slice(0, -1).map((m) => m.data)).toEqual([1, 2, 3]);
    expect(await h.engine.deliveryMode(id)).toEqual({ ack: true, unacked: batchOf(lost) });

    let answered: Message[] | undefined;
    void h.send(connect(id, batchOf(first))).then((replies) => (answered = replies));
    const again = await vi.waitFor(() => answered ?? expect.fail('the stale-ack connect is being held'), { timeout: 1000 });
    expect(again.slice(0, -1).map((m) => m.data)).toEqual([1, 2, 3]);
    expect(again.at(-1)).toMatchObject({ channel: '/meta/connect', successful: true });
    expect(batchOf(again)).toBeGreaterThan(batchOf(lost));
  });

  it('a connect acknowledging the batch in flight is held as usual until there is something new', async () => {
    const id = await ackSession();
    const first = await h.send(connect(id, 0, 0));
    await h.engine.publish({ channel: '/n', data: 1 });
    const got = await h.send(connect(id, batchOf(first), 0));
    let answered: Message[] | undefined;
    const held = h.send(connect(id, batchOf(got))).then((replies) => (answered = replies));
    // The core's look-ups are microtasks; a macrotask later the connect is still held.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBeUndefined();
    await h.engine.publish({ channel: '/n', data: 2 });
    await held;
    expect(answered?.slice(0, -1).map((m) => m.data)).toEqual([2]);
  });
});
