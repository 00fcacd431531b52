/** [CLI-29] Several "tabs" (clients in one process) share one connection through a leader. */
import { describe, expect, it, vi } from 'vitest';
import { createKuiperServer } from '../../server/src/index.js';
import { createSharedClient, type KuiperClient, type SessionEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { fakeLocks } from './helpers/fake-locks.js';

async function setup(tabs: number) {
  const server = createKuiperServer({ path: '/bayeux', timeout: 5_000 });
  server.addService('/service/echo', async (data) => data);
  const { url } = await server.listen({ port: 0, host: '127.0.0.1' });
  onCleanup(() => server.close());
  const locks = fakeLocks();
  const shareName = `test-${Math.random()}`;
  const clients: KuiperClient[] = [];
  for (let i = 0; i < tabs; i++) {
    const client = createSharedClient(url, { transports: ['long-polling'], locks, shareName });
    clients.push(client);
    onCleanup(() => client.disconnect());
  }
  return { server, url, clients };
}

describe('shared connection', () => {
  it('[CLI-29] every tab subscribes, publishes and calls through one Bayeux session', async () => {
    const { server, clients } = await setup(4);
    await Promise.all(clients.map((c) => c.whenConnected()));
    const ids = new Set(clients.map((c) => c.clientId));
    expect(ids.size).toBe(1);
    const got = clients.map(() => [] as unknown[]);
    await Promise.all(clients.map((c, i) => c.subscribe('/room/*', (d) => got[i]?.push(d)).ready));
    await clients[2]?.publish('/room/a', 'from tab 2');
    await server.publish('/room/b', 'from server');
    await vi.waitFor(() => expect(got).toEqual(clients.map(() => ['from tab 2', 'from server'])));
    await expect(clients[3]?.call('/service/echo', { x: 1 })).resolves.toEqual({ x: 1 });
    await expect(clients[1]?.publish('/room/*', 1)).rejects.toMatchObject({ code: 'invalid_channel' });
    expect(clients.every((c) => c.transport === 'long-polling' && c.status === 'connected')).toBe(true);
  });

  it('[CLI-29] [CLI-36] when the leader goes, the next tab continues the same session and every tab keeps receiving', async () => {
    const { server, clients } = await setup(3);
    await Promise.all(clients.map((c) => c.whenConnected()));
    const got = clients.map(() => [] as unknown[]);
    await Promise.all(clients.map((c, i) => c.subscribe('/t', (d) => got[i]?.push(d)).ready));
    const firstSession = clients[1]?.clientId;
    const sessions: SessionEvent[] = [];
    clients[2]?.onSession((e) => sessions.push(e));
    await clients[0]?.disconnect(); // the leader leaves
    await vi.waitFor(() => expect(sessions).toEqual([{ clientId: firstSession, resumed: true }]));
    await vi.waitFor(() => expect(clients[1]?.status).toBe('connected'));
    await server.publish('/t', 'after');
    await vi.waitFor(() => expect([got[1], got[2]]).toEqual([['after'], ['after']]));
    expect(got[0]).toEqual([]);
    expect(clients[1]?.clientId).toBe(firstSession);
    expect(clients[2]?.clientId).toBe(firstSession);
  });

  it('[CLI-36] a leader that leaves mid-stream hands over: every other tab gets every message once, in order', async () => {
    const { server, clients } = await setup(4);
    const got = clients.map(() => [] as number[]);
    await Promise.all(clients.map((c, i) => c.subscribe<number>('/stream', (n) => got[i]?.push(n)).ready));
    const total = 300;
    let leaderGone: Promise<void> | undefined;
    for (let n = 0; n < total; n++) {
      await server.publish('/stream', n);
      // The leader leaves once the stream is flowing, and the stream goes on while it hands over.
      if (n === 60) leaderGone = clients[0]?.disconnect();
      await new Promise((r) => setTimeout(r, 1));
    }
    await leaderGone;
    const expected = [...Array(total).keys()];
    await vi.waitFor(() => expect(got.slice(1)).toEqual([expected, expected, expected]), { timeout: 10_000 });
  });

  it('[CLI-36] a call the leader had not answered when it went rejects with connection_lost and is not sent again', async () => {
    const { server, clients } = await setup(3);
    await Promise.all(clients.map((c) => c.whenConnected()));
    let runs = 0;
    server.addService('/service/slow', () => {
      runs++;
      return new Promise(() => {}); // never answers
    });
    const sessions: SessionEvent[] = [];
    clients[2]?.onSession((e) => sessions.push(e));
    const call = clients[1]?.call('/service/slow', 1, { timeout: 5_000 });
    await vi.waitFor(() => expect(runs).toBe(1));
    await clients[0]?.disconnect();
    await expect(call).rejects.toMatchObject({ code: 'connection_lost' });
    // Calls go to the new leader once it leads; the first one never went again.
    await vi.waitFor(() => expect(sessions).toHaveLength(1));
    await expect(clients[2]?.call('/service/echo', 'x')).resolves.toBe('x');
    expect(runs).toBe(1);
  });

  it('[CLI-29] channel names are checked in every tab, as by createClient', async () => {
    const { clients } = await setup(2);
    await expect(clients[1]?.publish('/a/**', 1)).rejects.toMatchObject({ code: 'invalid_channel' });
    expect(() => clients[1]?.subscribe('/meta/handshake', () => {})).toThrow(/cannot subscribe/);
    expect(() => clients[1]?.subscribe('a//b', () => {})).toThrow(/cannot subscribe/);
  });

  it('[CLI-23] [CLI-29] a status listener that throws is reported; the others still hear every change', async () => {
    const { clients } = await setup(2);
    const client = clients[1];
    const errors: Error[] = [];
    const heard: string[] = [];
    client?.onError((e) => errors.push(e));
    client?.onStatus(() => {
      throw new Error('listener broke');
    });
    client?.onStatus((e) => heard.push(e.status));
    await client?.whenConnected();
    await client?.disconnect();
    expect(heard.slice(-2)).toEqual(['connected', 'disconnected']);
    expect(errors.map((e) => e.message)).toEqual(heard.map(() => 'listener broke'));
  });

  it('[CLI-29] an unsubscribed tab stops receiving while the others go on', async () => {
    const { server, clients } = await setup(2);
    const got = clients.map(() => [] as unknown[]);
    const subs = clients.map((c, i) => c.subscribe('/u', (d) => got[i]?.push(d)));
    await Promise.all(subs.map((s) => s.ready));
    subs[1]?.unsubscribe();
    await server.publish('/u', 1);
    await vi.waitFor(() => expect(got[0]).toEqual([1]));
    expect(got[1]).toEqual([]);
  });
});
