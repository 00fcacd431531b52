/** [CLI-35] The session event and the status pair, against a real Kuiper server at port 0. */
import type { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { createKuiperServer } from '../../server/src/index.js';
import { createClient, type SessionEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';

async function startKuiper(port = 0) {
  const kuiper = createKuiperServer({ path: '/bayeux', timeout: 2_000 });
  const { url, server } = await kuiper.listen({ port, host: '127.0.0.1' });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await kuiper.close();
  };
  onCleanup(close);
  return { kuiper, url, port: Number(new URL(url).port), close, dropConnections: () => sockets.forEach((s) => s.destroy()) };
}

describe('status snapshot and session events', () => {
  it('[CLI-35] getStatusSnapshot is one frozen object until something in it changes; subscribeStatus tells when', async () => {
    const { url } = await startKuiper();
    const client = createClient(url, { transports: ['long-polling'] });
    onCleanup(() => client.disconnect());
    const { subscribeStatus, getStatusSnapshot } = client; // React passes them unbound
    let calls = 0;
    const off = subscribeStatus((...args: unknown[]) => {
      expect(args).toEqual([]);
      calls++;
    });
    const first = getStatusSnapshot();
    expect(getStatusSnapshot()).toBe(first);
    expect(first).toMatchObject({ status: 'connecting', clientId: undefined });
    expect(Object.isFrozen(first)).toBe(true);

    await client.whenConnected();
    const connected = getStatusSnapshot();
    expect(connected).not.toBe(first);
    expect(connected).toEqual({ status: 'connected', transport: 'long-polling', clientId: client.clientId, error: undefined });
    expect(getStatusSnapshot()).toBe(connected);
    expect(calls).toBeGreaterThan(0);

    off();
    const before = calls;
    await client.disconnect();
    expect(calls).toBe(before);
    expect(getStatusSnapshot()).toMatchObject({ status: 'disconnected', clientId: undefined });
  });

  for (const transport of ['long-polling', 'websocket'] as const) {
    it(`[CLI-35] ${transport}: a dropped connection resumes the session; a server restart starts a new one`, async () => {
      let server = await startKuiper();
      const client = createClient(server.url, { transports: [transport], backoff: { base: 20, max: 100 } });
      onCleanup(() => client.disconnect());
      const events: SessionEvent[] = [];
      client.onSession((e) => events.push(e));
      await client.whenConnected();
      const first = client.clientId as string;
      expect(events).toEqual([{ clientId: first, resumed: false }]);

      server.dropConnections();
      await vi.waitFor(() => expect(events).toHaveLength(2));
      expect(events[1]).toEqual({ clientId: first, resumed: true });

      await server.close();
      server = await startKuiper(server.port); // knows no session: the client must handshake
      await vi.waitFor(() => expect(events).toHaveLength(3), { timeout: 10_000 });
      expect(events[2]?.resumed).toBe(false);
      expect(events[2]?.clientId).not.toBe(first);
      expect(events[2]?.clientId).toBe(client.clientId);
    });
  }
});
