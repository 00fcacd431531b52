// [LOBBY-6] The lobby behind a round-robin balancer with no stickiness, on two `kuiper serve --collab
// --redis` nodes: a long-polling viewer's watch, subscribe and polls land on either node, and it still
// gets the snapshot and every change.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cleanup, eventually, newClient, onCleanup } from '@kuiper/testkit';
import { startBalancer } from '../../../server/test/cluster/cluster.js';
import { enterLobby, type Lobby } from '../../src/index.js';
import { cleanRedisPrefix, member, REDIS_URL } from '../integration/helpers.js';
import { serve } from '../integration/processes.js';

const shown = (lobby: Lobby): string[] => lobby.rooms().map((r) => `${r.id}: ${r.members.map((m) => m.name).sort().join(' ')}`).sort();

describe('the lobby behind a round-robin balancer', () => {
  it('[LOBBY-6] a long-polling viewer whose requests alternate between two nodes sees the rooms and their changes', async () => {
    const prefix = `kuiper-test:collab-lobby-balancer:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const args = ['--collab', '--redis', REDIS_URL, '--redis-prefix', prefix];
    const [a, b] = await Promise.all([serve(args), serve(args)]);
    const ports = [a.url, b.url].map((url) => Number(new URL(url).port));
    const lb = await startBalancer(cleanup, ports, new URL(a.url).pathname);
    const polling = { transports: ['long-polling'] };

    const ada = member(a.url, 'north', { presence: { name: 'Ada' } }).room; // north's authority: node a
    const bob = member(b.url, 'south', { presence: { name: 'Bob' } }).room; // south's authority: node b
    await Promise.all([ada.synced, bob.synced]);
    const lobby = enterLobby(newClient(lb.url, polling));
    onCleanup(() => lobby.leave());
    await lobby.ready;
    await eventually(() => expect(shown(lobby)).toEqual(['north: Ada', 'south: Bob']), 10_000);

    const cy = member(lb.url, 'south', { presence: { name: 'Cy' } }, polling).room;
    await cy.synced;
    await eventually(() => expect(shown(lobby)).toEqual(['north: Ada', 'south: Bob Cy']), 10_000);
    ada.leave();
    await eventually(() => expect(shown(lobby)).toEqual(['south: Bob Cy']), 10_000);
    expect(new Set(lb.routed)).toEqual(new Set(ports)); // both nodes answered
  }, 30_000);
});
