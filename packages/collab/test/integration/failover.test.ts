// [COLLAB-30] The authority's node dies (SIGKILL, mid-edit): a node with members takes the room over
// from the shared Redis store once the lease lapses, and its members handshake again with it.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { RedisEngine } from '@kuiper/server/redis';
import { RedisStore } from '../../src/stores/redis.js';
import type { Room } from '../../src/index.js';
import { cleanRedisPrefix, member, REDIS_URL, startCollab, text } from './helpers.js';
import { killed, startServerProcess } from './processes.js';

const LEASE_MS = 1000;

const names = (room: Room): unknown[] => room.presence.others().map((e) => e.state['name']).sort();
const append = (room: Room, piece: string): void => room.doc.getText('t').insert(room.doc.getText('t').length, piece);

describe('the node of a room\'s authority dies', () => {
  it('[COLLAB-30] a node with members takes the room over: surviving members keep editing and converge, every acknowledged edit is there', async () => {
    const prefix = `kuiper-test:collab-failover:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const redis = new Redis(REDIS_URL);
    onCleanup(() => redis.quit());
    const first = await startServerProcess('collab-redis-node.ts', [REDIS_URL, prefix, String(LEASE_MS)]);
    const store = new RedisStore({ client: redis, prefix: `${prefix}collab` });
    const b = await startCollab({ store, authorityLeaseMs: LEASE_MS }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) });

    const ada = member(first.url, 'failover', { presence: { name: 'Ada' } }).room;
    await ada.synced; // the authority is on the child's node
    const bob = member(b.url, 'failover', { presence: { name: 'Bob' } }).room;
    const cy = member(b.url, 'failover', { presence: { name: 'Cy' } }).room;
    await Promise.all([bob.synced, cy.synced]);
    expect(b.collab.openRooms()).toEqual([]);

    const pieces: string[] = [];
    for (let i = 0; i < 10; i++) {
      for (const [who, room] of [['b', bob], ['c', cy]] as const) {
        append(room, `${who}${i};`);
        pieces.push(`${who}${i};`);
      }
      if (i % 3 === 2) await Promise.all([bob.flush(), cy.flush()]);
    }
    await Promise.all([bob.flush(), cy.flush()]);
    const acked = text(bob);
    append(bob, 'b-in-flight;'); // mid-edit: sent, perhaps never acknowledged
    append(cy, 'c-in-flight;');
    await killed(first.child);
    append(bob, 'b-after;');
    append(cy, 'c-after;');
    pieces.push('b-in-flight;', 'c-in-flight;', 'b-after;', 'c-after;');

    await eventually(() => expect(b.collab.openRooms()).toEqual(['failover']), LEASE_MS * 10);
    await Promise.all([bob.flush(), cy.flush()]); // acknowledged by the new authority
    append(cy, 'c-later;');
    pieces.push('c-later;');
    await cy.flush();
    await eventually(() => expect(text(bob)).toBe(text(cy)));
    for (const piece of pieces) expect(text(bob)).toContain(piece);
    for (const piece of acked.split(';').filter(Boolean)) expect(text(bob)).toContain(`${piece};`);
    await eventually(() => expect([names(bob), names(cy)]).toEqual([['Cy'], ['Bob']])); // no ghost of the dead node's member

    const late = member(b.url, 'failover').room; // from what the new authority stored
    await late.synced;
    expect(text(late)).toBe(text(bob));
  }, 30_000);
});
