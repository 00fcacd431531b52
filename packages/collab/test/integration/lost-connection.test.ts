// [COLLAB-45] watchLostConnection on a real client of a real server at port 0: the server goes away
// and comes back on the same port, or comes back refusing every handshake.
import { describe, expect, it } from 'vitest';
import { eventually, newClient, startKuiper } from '@kuiper/testkit';
import type { Status } from '@kuiper/client';
import { watchLostConnection, type LostConnectionEvent } from '../../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Retries every 50–100 ms, so a drop means many attempts. */
const quick = { transports: ['websocket'], ack: false, backoff: { base: 50, max: 100 } } as const;

describe('[COLLAB-45] watchLostConnection', () => {
  it('says lost once for a drop that lasts, however many retries, then restored when the server is back', async () => {
    const first = await startKuiper();
    const client = newClient(first.url, quick);
    await client.whenConnected();
    const events: LostConnectionEvent[] = [];
    let retries = 0;
    client.onStatus((event) => void (event.retry && retries++));
    watchLostConnection(client, (event) => events.push(event), { lostAfterMs: 400 });

    await first.server.close();
    await eventually(() => expect(events).toEqual(['lost']), 5_000);
    await sleep(500);
    expect(events).toEqual(['lost']);
    expect(retries).toBeGreaterThan(3);

    await startKuiper({}, { port: first.port });
    await eventually(() => expect(events).toEqual(['lost', 'restored']), 15_000);
    expect(client.status).toBe('connected');
  });

  it('says nothing for a drop shorter than lostAfterMs, for a client that never connected, or for disconnect()', async () => {
    const { url, dropConnections } = await startKuiper();
    const client = newClient(url, quick);
    await client.whenConnected();
    const events: LostConnectionEvent[] = [];
    const statuses: Status[] = [];
    client.onStatus((event) => statuses.push(event.status));
    watchLostConnection(client, (event) => events.push(event), { lostAfterMs: 3_000 });
    expect(dropConnections()).toBeGreaterThan(0);
    await eventually(() => expect(statuses.at(-1)).toBe('connected'), 10_000);
    expect(statuses).toContain('reconnecting');

    // Nothing listens on this port any more: the client only ever connects.
    const gone = await startKuiper();
    await gone.server.close();
    const never = newClient(gone.url, quick);
    watchLostConnection(never, (event) => events.push(event), { lostAfterMs: 100 });
    await sleep(600);
    expect(never.status).not.toBe('connected');

    await client.disconnect();
    await sleep(200);
    expect(events).toEqual([]);
  });

  it('says failed when the client gives up: the server came back refusing its new handshake', async () => {
    const first = await startKuiper();
    const client = newClient(first.url, quick);
    client.onError(() => undefined);
    await client.whenConnected();
    const events: LostConnectionEvent[] = [];
    watchLostConnection(client, (event) => events.push(event), { lostAfterMs: 30_000 });
    await first.server.close();
    // The new process knows nothing of the session and refuses whoever asks for a new one.
    await startKuiper({ policy: { canHandshake: () => 'closed for maintenance' } }, { port: first.port });
    await eventually(() => expect(events).toEqual(['failed']), 15_000);
    expect(client.status).toBe('disconnected');
  });
});
