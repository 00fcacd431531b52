// [LOBBY-6] The lobby on real nodes sharing Redis: a room's activity comes from its authority through
// the engine, so viewers on every node see the same list, and a node started later learns it too.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually, newClient, onCleanup } from '@kuiper/testkit';
import { RedisEngine } from '@kuiper/server/redis';
import { enterLobby, MemoryStore, type Lobby } from '../../src/index.js';
import { cleanRedisPrefix, member, REDIS_URL, startCollab } from '../integration/helpers.js';

function viewer(url: string): Lobby {
  const lobby = enterLobby(newClient(url));
  onCleanup(() => lobby.leave());
  return lobby;
}

const shown = (lobby: Lobby): [string, number, (string | undefined)[]][] =>
  lobby
    .rooms()
    .map((r): [string, number, (string | undefined)[]] => [r.id, r.count, r.members.map((m) => m.name).sort()])
    .sort((a, b) => a[0].localeCompare(b[0]));

describe('the lobby on several nodes', () => {
  it('[LOBBY-6] [LOBBY-2] viewers on either node see the same rooms and members, whichever node the members are on; a node started later too', async () => {
    const prefix = `kuiper-test:collab-lobby:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const store = new MemoryStore();
    const node = () => startCollab({ store }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) });
    const [a, b] = [await node(), await node()];

    const ada = member(a.url, 'shared', { presence: { name: 'Ada' } }).room; // the authority is on node a
    await ada.synced;
    const bob = member(b.url, 'shared', { presence: { name: 'Bob' } }).room; // relayed from node b
    const cy = member(b.url, 'only-b', { presence: { name: 'Cy' } }).room; // its authority is on node b
    await Promise.all([bob.synced, cy.synced]);

    const onA = viewer(a.url);
    const onB = viewer(b.url);
    await Promise.all([onA.ready, onB.ready]);
    const expected = [
      ['only-b', 1, ['Cy']],
      ['shared', 2, ['Ada', 'Bob']],
    ];
    await eventually(() => expect(shown(onA)).toEqual(expected));
    await eventually(() => expect(shown(onB)).toEqual(expected));
    expect(onA.rooms().map((r) => r.version)).toEqual(onB.rooms().map((r) => r.version)); // one source per room

    const c = await node(); // joins after every room opened: it asks the authorities
    const onC = viewer(c.url);
    await onC.ready;
    await eventually(() => expect(shown(onC)).toEqual(expected));

    bob.leave();
    cy.leave();
    const after = [['shared', 1, ['Ada']]];
    for (const lobby of [onA, onB, onC]) await eventually(() => expect(shown(lobby)).toEqual(after));
  });
});

describe('the lobby when a node dies', () => {
  it('[LOBBY-3] [LOBBY-6] a room whose authority died with all its members leaves the other nodes\' lists once those members are pruned', async () => {
    const prefix = `kuiper-test:collab-lobby:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const store = new MemoryStore();
    const options = { maxInterval: 500, timeout: 300, sweepIntervalMs: 50 };
    // Node a's background errors after it is gone (its lease renewals on a closed engine) are expected.
    const node = (onError?: () => void) => startCollab({ store, onError }, { ...options, engine: new RedisEngine({ url: REDIS_URL, prefix }) });
    const [a, b] = [await node(() => undefined), await node()];
    const ada = member(a.url, 'doomed', { presence: { name: 'Ada' } }, { transports: ['long-polling'] }).room;
    const bob = member(b.url, 'alive', { presence: { name: 'Bob' } }).room;
    await Promise.all([ada.synced, bob.synced]);
    const onB = viewer(b.url);
    await onB.ready;
    await eventually(() => expect(shown(onB).map(([id]) => id)).toEqual(['alive', 'doomed']));

    a.http.closeAllConnections();
    await a.server.close(); // node a stops without closing its rooms: nothing says the room went
    await eventually(() => expect(shown(onB).map(([id]) => id)).toEqual(['alive']), 10_000);
  });
});
