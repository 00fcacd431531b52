/** [CLI-19] Publishes made while not connected wait in a bounded queue. */
import { describe, expect, it, vi } from 'vitest';
import { createClient, type Message } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

describe('publish queue', () => {
  it('[CLI-19] publishes wait until connected, leave after the subscriptions, in order; past the bound they reject', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let connects = 0;
    const t = scripted('fake', async (m) => {
      if (m.channel === '/meta/handshake') await gate;
      if (m.channel === '/meta/connect' && ++connects > 1) return never<Message[]>();
      return okReply(m);
    });
    const client = createClient('http://fake/bayeux', { transports: [t.factory], maxQueue: 2 });
    onCleanup(() => client.disconnect());
    client.subscribe('/s', () => {});
    const first = client.publish('/p', 1);
    const second = client.call('/service/x', 2).catch((e: unknown) => e);
    const third = client.publish('/p', 3);
    await expect(third).rejects.toMatchObject({ code: 'queue_full' });
    await expect(third).rejects.toThrow(/publish to \/p refused: 2 publishes already wait/);
    expect(t.sent().map((m) => m.channel)).toEqual(['/meta/handshake']);

    release();
    await first;
    await vi.waitFor(() => expect(t.sent().some((m) => m.channel === '/service/x')).toBe(true));
    const order = t.sent().map((m) => m.channel).filter((c) => !c.startsWith('/meta/connect'));
    expect(order).toEqual(['/meta/handshake', '/meta/subscribe', '/p', '/service/x']);
    // The three left together, in one batch.
    expect(t.batches.some((b) => b.map((m) => m.channel).join() === '/meta/subscribe,/p,/service/x')).toBe(true);
    await client.disconnect();
    await expect(second).resolves.toMatchObject({ code: 'disconnected' });
  });

  it('[CLI-19] disconnect rejects what still waits', async () => {
    const t = scripted('fake', () => never<Message[]>());
    const client = createClient('http://fake/bayeux', { transports: [t.factory], requestTimeout: 60_000 });
    const waiting = client.publish('/p', 1);
    await client.disconnect();
    await expect(waiting).rejects.toMatchObject({ code: 'disconnected' });
    expect(client.status).toBe('disconnected');
  });
});

describe('in-flight publishes', () => {
  it('[CLI-19] a publish in flight when the transport fails rejects with connection_lost and is not re-sent', async () => {
    let connects = 0;
    const t = scripted('fake', (m) => {
      if (m.channel === '/p') return never<Message[]>(); // the ack never comes
      // Connects 1 and 3 (after the failure) are the immediate ones; the held ones are never answered.
      if (m.channel === '/meta/connect' && ++connects !== 1 && connects !== 3) return never<Message[]>();
      return okReply(m);
    });
    const client = createClient('http://fake/bayeux', { transports: [t.factory], backoff: { base: 1 } });
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    const inFlight = client.publish('/p', 1);
    await vi.waitFor(() => expect(t.sent().some((m) => m.channel === '/p')).toBe(true));
    t.fail(new Error('socket closed'));
    await expect(inFlight).rejects.toMatchObject({ code: 'connection_lost' });
    await vi.waitFor(() => expect(client.status).toBe('connected'));
    expect(t.sent().filter((m) => m.channel === '/p')).toHaveLength(1);
  });
});

describe('batch and handlers', () => {
  function connectedClient() {
    let connects = 0;
    const t = scripted('fake', (m) => (m.channel === '/meta/connect' && ++connects > 1 ? never<Message[]>() : okReply(m)));
    const errors: Error[] = [];
    const client = createClient('http://fake/bayeux', { transports: [t.factory], onError: (e) => errors.push(e) });
    onCleanup(() => client.disconnect());
    return { t, client, errors };
  }

  it('[CLI-6] batch() sends its messages in one transport batch', async () => {
    const { t, client } = connectedClient();
    await client.whenConnected();
    const before = t.batches.length;
    const acks: Promise<void>[] = [];
    client.batch(() => {
      acks.push(client.publish('/a', 1), client.publish('/b', 2));
      client.batch(() => acks.push(client.publish('/c', 3)));
    });
    await Promise.all(acks);
    const batches = t.batches.slice(before).filter((b) => b[0]?.channel !== '/meta/connect');
    expect(batches.map((b) => b.map((m) => m.channel))).toEqual([['/a', '/b', '/c']]);
  });

  it('[CLI-23] a throwing handler is reported and does not stop the others', async () => {
    const { t, client, errors } = connectedClient();
    const got: unknown[] = [];
    client.subscribe('/x', () => {
      throw new Error('boom');
    });
    await client.subscribe('/x/**', (d) => got.push(d)).ready;
    await client.subscribe('/x', (d) => got.push(d)).ready;
    t.push([{ channel: '/x', data: 1 }, { channel: '/x/y', data: 2 }]);
    expect(got).toEqual([1, 2]);
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    expect(client.status).toBe('connected');
  });

  it('[CLI-23] a throwing status listener is reported and the others still hear', async () => {
    const t = scripted('fake', () => never<Message[]>());
    const errors: Error[] = [];
    const heard: string[] = [];
    const client = createClient('http://fake/bayeux', { transports: [t.factory], onError: (e) => errors.push(e), requestTimeout: 60_000 });
    client.onStatus(() => {
      throw new Error('listener broke');
    });
    client.onStatus((e) => heard.push(e.status));
    await client.disconnect();
    expect(heard).toContain('disconnected');
    expect(errors.map((e) => e.message)).toContain('listener broke');
  });

  it('[CLI-2] a subscribe made while connecting is sent once connected; [CLI-3] one unsubscribed before that is never sent', async () => {
    const { t, client } = connectedClient();
    const kept = client.subscribe('/kept', () => {});
    client.subscribe('/dropped', () => {}).unsubscribe();
    await kept.ready;
    const subs = t.sent().filter((m) => m.channel.startsWith('/meta/') && m.subscription !== undefined);
    expect(subs.map((m) => [m.channel, m.subscription])).toEqual([['/meta/subscribe', '/kept']]);
    expect(() => client.subscribe('/meta/connect', () => {})).toThrow(/cannot subscribe/);
  });
});
