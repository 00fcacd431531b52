// [DELIV-1] Every transport delivers through the connector: on a real server, with sessions on
// websocket, long-polling (callback-polling answers the same way) and eventsource, in stream and in ack mode, each read
// of a session's queue (take, takeBatch, watch, deliveryMode) is made from core/ — never from a
// transport. An engine that notes who called it shows it; a transport that took for itself fails.
import type { Message } from '@kuiper/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryEngine } from '../../src/engines/memory.js';
import { type AckBatch, type DeliveryMode } from '../../src/core/engine.js';
import { eventually, newClient, onCleanup, rawHandshake, startKuiper } from '@kuiper/testkit';
import { StreamReader, streamConnect } from '../streaming/stream-reader.js';
import { subscribe } from '../streaming/stream-contract.js';

/** Notes, per queue method, the source file that called it (the frame below the engine's own). */
class TracedEngine extends MemoryEngine {
  readonly callers = new Map<string, Set<string>>();

  private note(method: string): void {
    const frames = new Error().stack?.split('\n') ?? [];
    // 0 "Error", 1 note, 2 the override below, 3 the caller.
    const frame = frames[3] ?? '';
    const file = /\/src\/([\w./-]+\.ts)/.exec(frame)?.[1] ?? frame.trim();
    let files = this.callers.get(method);
    if (!files) this.callers.set(method, (files = new Set()));
    files.add(file);
  }

  override take(clientId: string): Promise<Message[]> {
    this.note('take');
    return super.take(clientId);
  }

  override takeBatch(clientId: string, acked: number | undefined): Promise<AckBatch> {
    this.note('takeBatch');
    return super.takeBatch(clientId, acked);
  }

  override watch(clientId: string, onQueued: () => void): () => void {
    this.note('watch');
    return super.watch(clientId, onQueued);
  }

  override deliveryMode(clientId: string): Promise<DeliveryMode> {
    this.note('deliveryMode');
    return super.deliveryMode(clientId);
  }
}

describe('[DELIV-1] one delivery path for every transport', () => {
  const engine = new TracedEngine();
  afterAll(() => engine.close());

  it('every queue read comes from the connector, on every transport and in both modes', async () => {
    const { server, url } = await startKuiper({ engine });
    const received = new Map<string, unknown[]>();
    for (const transport of ['websocket', 'long-polling']) {
      for (const ack of [false, true]) {
        const name = `${transport}${ack ? '+ack' : ''}`;
        const got: unknown[] = [];
        received.set(name, got);
        const client = newClient(url, { transports: [transport], ack });
        await client.subscribe('/path', (data) => got.push(data)).ready;
      }
    }
    const clientId = await rawHandshake(url);
    await subscribe(url, clientId, '/path');
    const stream = await StreamReader.open(url, 'eventsource', streamConnect(clientId, 'eventsource'));
    onCleanup(() => stream.abort());
    await eventually(() => expect(stream.messages).toHaveLength(1));

    for (let n = 1; n <= 3; n++) await server.publish('/path', n);
    for (const [name, got] of received) await eventually(() => expect(got, name).toEqual([1, 2, 3]));
    await eventually(() => expect(stream.messages.filter((m) => m.channel === '/path').map((m) => m.data)).toEqual([1, 2, 3]));

    const seen = Object.fromEntries([...engine.callers].map(([method, files]) => [method, [...files].sort()]));
    // Every path was exercised: streamed deliveries, ack batches, held-connect wake-ups.
    expect(Object.keys(seen).sort()).toEqual(['deliveryMode', 'take', 'takeBatch', 'watch']);
    for (const [method, files] of Object.entries(seen)) {
      for (const file of files) expect(file, `${method} called from ${file}`).toMatch(/^core\/(connector|delivery)\.ts$/);
    }
  });
});
