// The one delivery path (SPEC: DELIV-*), checked on the connector with no I/O: a fake connection
// (a DeliverySink) and a counting in-memory engine. Every transport that streams gets exactly this
// behaviour, because it only hands the connector a sink.
import type { Message } from '@kuiper/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerSink } from '../src/core/connector.js';
import type { DeliverySink } from '../src/core/delivery.js';
import { type Harness, harness } from './core-harness.js';

let h: Harness;
afterEach(() => h?.close());

/** A connection: records what it is sent, and how often the flow looked at it. */
class FakeConnection implements DeliverySink, AnswerSink {
  readonly frames: Message[][] = [];
  answers: Array<Message[] | undefined> = [];
  open = true;
  backedUp = false;
  looked = 0;

  constructor(readonly lasting: boolean) {}

  get writable(): boolean {
    return this.open;
  }

  get full(): boolean {
    this.looked++;
    return this.backedUp;
  }

  write(messages: Message[]): void {
    this.frames.push(messages);
  }

  answer(messages: Message[] | undefined): void {
    this.answers.push(messages);
  }

  fail(err: unknown): void {
    throw err;
  }

  get delivered(): unknown[] {
    return this.frames.flat().map((m) => m.data);
  }
}

/** A connection that says when it drains (as a WebSocket or a stream response does). */
class DrainingConnection extends FakeConnection {
  private readonly listeners = new Set<() => void>();

  onDrain(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get waiting(): number {
    return this.listeners.size;
  }

  drain(): void {
    this.backedUp = false;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}

/** Lets event-loop turns pass (no timers) until `done`, at most `max` of them. */
async function turns(done: () => boolean, max = 50): Promise<void> {
  for (let i = 0; i < max && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A session subscribed to /d, its takes counted. */
async function session(options: { ack?: boolean } = {}) {
  h = harness();
  const clientId = await h.handshake();
  if (options.ack) await h.engine.setAck(clientId, true);
  await h.send({ channel: '/meta/subscribe', clientId, subscription: '/d' });
  const take = vi.spyOn(h.engine, 'take');
  const takeBatch = vi.spyOn(h.engine, 'takeBatch');
  // [ENG-7] The memory engine answers a take at once too: takes are counted both ways.
  const takeNow = vi.spyOn(h.engine, 'takeNow');
  const takes = (): number => take.mock.calls.length + takeNow.mock.calls.length;
  return { clientId, take, takeNow, takes, takeBatch };
}

/** Opens a held connect on `conn`, as a WebSocket (lasting) or a stream response does. */
async function connect(clientId: string, conn: FakeConnection, ext?: Record<string, unknown>): Promise<void> {
  const result = await h.connector.process([{ channel: '/meta/connect', clientId, connectionType: 'websocket', ...(ext ? { ext } : {}) }], 'websocket');
  if (!result.connect) throw new Error(`connect refused: ${JSON.stringify(result.replies)}`);
  h.connector.holdInto(result.connect, undefined, conn, conn);
}

const publish = (...values: number[]): Promise<unknown> => Promise.all(values.map((data) => h.engine.publish({ channel: '/d', data })));

describe('[DELIV-1] the connector streams a session to its connection', () => {
  it('everything queued in one turn goes in one take and one write, in order', async () => {
    const { clientId, takes } = await session();
    const conn = new FakeConnection(true);
    await connect(clientId, conn);
    await publish(1, 2, 3, 4, 5);
    await vi.waitFor(() => expect(conn.delivered).toEqual([1, 2, 3, 4, 5]));
    expect(conn.frames).toHaveLength(1);
    expect(takes()).toBe(1);
    // A lasting connection keeps streaming: the connect is still held, nothing was answered.
    expect(conn.answers).toEqual([]);
  });

  it('[ENG-7] an engine that answers at once: the woken flow takes and writes in its turn, with no asynchronous take', async () => {
    const { clientId, take, takeNow } = await session();
    const conn = new FakeConnection(true);
    await connect(clientId, conn);
    for (let round = 1; round <= 3; round++) {
      await publish(round * 10, round * 10 + 1);
      await turns(() => conn.delivered.length === round * 2);
    }
    expect(conn.delivered).toEqual([10, 11, 20, 21, 30, 31]);
    expect(conn.frames).toHaveLength(3);
    expect(takeNow).toHaveBeenCalledTimes(3);
    expect(take).not.toHaveBeenCalled();
  });

  it('[LIMIT-6][STREAM-13] a full connection is not taken for: deliveries wait in the queue until it drains', async () => {
    const { clientId, take } = await session();
    const conn = new FakeConnection(true);
    conn.backedUp = true;
    await connect(clientId, conn);
    await publish(1, 2);
    // The flow looks, finds the connection full, and looks again later.
    await vi.waitFor(() => expect(conn.looked).toBeGreaterThanOrEqual(2));
    expect(take).not.toHaveBeenCalled();
    conn.backedUp = false;
    await vi.waitFor(() => expect(conn.delivered).toEqual([1, 2]));
  });

  it('[WS-3][STREAM-7] a closed connection takes nothing; the next connect gets the queue', async () => {
    const { clientId, takes } = await session();
    const gone = new FakeConnection(true);
    gone.open = false;
    await connect(clientId, gone);
    await publish(1);
    const next = new FakeConnection(true);
    await connect(clientId, next);
    await vi.waitFor(() => expect(next.delivered).toEqual([1]));
    expect(gone.frames).toEqual([]);
    expect(takes()).toBe(1);
  });

  it('one flow per session: a connect on another connection moves the deliveries there', async () => {
    const { clientId } = await session();
    const first = new FakeConnection(true);
    await connect(clientId, first);
    await publish(1);
    await vi.waitFor(() => expect(first.delivered).toEqual([1]));
    const second = new FakeConnection(true);
    await connect(clientId, second);
    // [CONN-3] The older hold is answered with its reply alone (the socket streamed its deliveries).
    await vi.waitFor(() => expect(first.answers).toHaveLength(1));
    expect(first.answers[0]?.map((m) => m.channel)).toEqual(['/meta/connect']);
    await publish(2);
    await vi.waitFor(() => expect(second.delivered).toEqual([2]));
    expect(first.delivered).toEqual([1]);
  });

  it('a connect without a connection (a fall-back to long-polling) ends the session\'s flow', async () => {
    // Fake timeouts only: the flow's look-again timer then runs when the test says so.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { clientId } = await session();
      const socket = new FakeConnection(true);
      socket.backedUp = true;
      await connect(clientId, socket);
      await publish(1);
      await vi.waitFor(() => expect(socket.looked).toBeGreaterThanOrEqual(1));
      const poll = { channel: '/meta/connect', clientId, connectionType: 'long-polling' };
      expect((await h.send(poll)).map((m) => m.data ?? m.channel)).toEqual([1, '/meta/connect']);
      // The socket drains, but it no longer delivers: what comes next waits for the next poll.
      socket.backedUp = false;
      await publish(2);
      vi.advanceTimersByTime(1000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(socket.frames).toEqual([]);
      expect((await h.send(poll)).map((m) => m.data ?? m.channel)).toEqual([2, '/meta/connect']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('[STREAM-5] a connection that ends with the hold gets what is still queued before the final reply', async () => {
    const { clientId } = await session();
    const conn = new FakeConnection(false);
    conn.backedUp = true;
    await connect(clientId, conn);
    await publish(1, 2);
    await vi.waitFor(() => expect(conn.looked).toBeGreaterThanOrEqual(1));
    h.connector.release(clientId);
    await vi.waitFor(() => expect(conn.answers).toHaveLength(1));
    expect(conn.answers[0]?.map((m) => m.data ?? m.channel)).toEqual([1, 2, '/meta/connect']);
    expect(conn.frames).toEqual([]);
  });

  it('[CONN-5] a session removed while it streams: the hold is answered with 402', async () => {
    const { clientId } = await session();
    const conn = new FakeConnection(true);
    await connect(clientId, conn);
    await h.engine.destroySession(clientId, 'server');
    await vi.waitFor(() => expect(conn.answers).toHaveLength(1));
    expect(conn.answers[0]).toEqual([expect.objectContaining({ channel: '/meta/connect', error: '402::session_unknown' })]);
  });
});

describe('[DELIV-2] a full connection that can say when it drains is resumed by its drain', () => {
  it('the deliveries go out on the drain, with no timer run; a sink that cannot signal waits for the timer', async () => {
    // Fake timeouts only: no look-again timer can run unless the test advances time (so `turns`,
    // not vi.waitFor, which advances fake timers as it polls).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { clientId, take } = await session();
      const conn = new DrainingConnection(true);
      conn.backedUp = true;
      await connect(clientId, conn);
      await publish(1, 2);
      await turns(() => conn.waiting === 1);
      // Waiting on the drain, not polling: however often it is woken, one listener (the only
      // timer is the held connect's own).
      await publish(3);
      await turns(() => false, 5);
      expect(conn.waiting).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      expect(take).not.toHaveBeenCalled();
      conn.drain();
      await turns(() => conn.frames.length > 0);
      expect(conn.delivered).toEqual([1, 2, 3]);
      expect(conn.frames).toHaveLength(1);

      // The same with a sink that has no onDrain: nothing until its timer runs.
      const other = await h.handshake();
      await h.send({ channel: '/meta/subscribe', clientId: other, subscription: '/d' });
      const plain = new FakeConnection(true);
      plain.backedUp = true;
      await connect(other, plain);
      await publish(4);
      await turns(() => plain.looked >= 1);
      plain.backedUp = false;
      await turns(() => false, 5);
      expect(plain.frames).toEqual([]);
      vi.advanceTimersByTime(50);
      await vi.waitFor(() => expect(plain.delivered).toEqual([4]));
    } finally {
      vi.useRealTimers();
    }
  });

  it('a flow that stops while it waits lets go of its drain listener', async () => {
    const { clientId } = await session();
    const conn = new DrainingConnection(true);
    conn.backedUp = true;
    await connect(clientId, conn);
    await publish(1);
    await vi.waitFor(() => expect(conn.waiting).toBe(1));
    h.connector.unstream(clientId, conn);
    expect(conn.waiting).toBe(0);
  });
});

describe('[DELIV-1][ACK-3] ack mode is the other way out: connect replies only', () => {
  it('an ack session never streams to its connection; queued messages end the hold as a numbered batch', async () => {
    const { clientId, take, takeBatch } = await session({ ack: true });
    const conn = new FakeConnection(true);
    await connect(clientId, conn, { ack: 0 });
    await publish(1, 2);
    await vi.waitFor(() => expect(conn.answers).toHaveLength(1));
    const answer = conn.answers[0] ?? [];
    expect(answer.map((m) => m.data ?? m.channel)).toEqual([1, 2, '/meta/connect']);
    expect(answer.at(-1)?.ext).toEqual({ ack: expect.any(Number) });
    expect(conn.frames).toEqual([]);
    expect(take).not.toHaveBeenCalled();
    expect(takeBatch).toHaveBeenCalledTimes(1);
  });
});
