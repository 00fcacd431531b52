// [LOBBY-6] A viewer behind a balancer keeps its lobby when the node it watched through dies: its
// session lives on in Redis and its polls go to the other node, which never heard it watch — but the
// watch was announced to every node, so the surviving room authority keeps sending it changes.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cleanup, eventually, newClient, onCleanup } from '@kuiper/testkit';
import { RedisEngine } from '@kuiper/server/redis';
import { startBalancer } from '../../../server/test/cluster/cluster.js';
import { enterLobby, MemoryStore, type Lobby } from '../../src/index.js';
import { cleanRedisPrefix, member, REDIS_URL, startCollab, type CollabServer } from '../integration/helpers.js';

const shown = (lobby: Lobby): string[] => lobby.rooms().map((r) => `${r.id}: ${r.members.map((m) => m.name).sort().join(' ')}`).sort();

describe('the lobby when the viewer\'s node dies', () => {
  it('[LOBBY-6] the node the viewer watched through dies; the viewer keeps getting changes through the other', async () => {
    const prefix = `kuiper-test:collab-lobby-failover:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const store = new MemoryStore();
    const watchedOn: CollabServer[] = [];
    const node = async (): Promise<CollabServer> => {
      const started = await startCollab({ store, onError: () => undefined }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) });
      // Which node answered the viewer's watch: that is the node to kill.
      started.server.addExtension({
        name: 'watch-spy',
        incoming: (message) => (message.channel === '/service/lobby' && watchedOn.push(started), message),
      });
      return started;
    };
    const [a, b] = [await node(), await node()];
    const lb = await startBalancer(cleanup, [a.port, b.port]);

    const lobby = enterLobby(newClient(lb.url, { transports: ['long-polling'], backoff: { base: 100, max: 200 } }));
    onCleanup(() => lobby.leave());
    await lobby.ready;
    const doomed = watchedOn[0]!;
    const survivor = doomed === a ? b : a;
    const ada = member(survivor.url, 'after', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    await eventually(() => expect(shown(lobby)).toEqual(['after: Ada']));

    doomed.http.closeAllConnections();
    await doomed.server.close(); // the node that knew the viewer is gone; its session is in Redis
    const bob = member(survivor.url, 'after', { presence: { name: 'Bob' } }).room;
    await bob.synced;
    await eventually(() => expect(shown(lobby)).toEqual(['after: Ada Bob']), 10_000);
    // It first watched through the doomed node. Its session is resumed on the survivor (the client
    // reports resumed: true), and a resumed lobby watches again (enter-lobby.ts), so a second watch
    // may reach the survivor before or after Bob shows — what matters is that the changes keep coming.
    expect(watchedOn[0]).toBe(doomed);
    expect(watchedOn.slice(1).every((n) => n === survivor)).toBe(true);
  }, 30_000);
});
