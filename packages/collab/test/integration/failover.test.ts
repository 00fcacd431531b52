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

/** A node in a child process (the one to kill or pause) and one in this process, on one Redis. */
async function twoNodes() {
  const prefix = `kuiper-test:collab-failover:${randomUUID()}:`;
  cleanRedisPrefix(prefix);
  const redis = new Redis(REDIS_URL);
  onCleanup(() => redis.quit());
  const first = await startServerProcess('collab-redis-node.ts', [REDIS_URL, prefix, String(LEASE_MS)]);
  const store = new RedisStore({ client: redis, prefix: `${prefix}collab` });
  const b = await startCollab({ store, authorityLeaseMs: LEASE_MS }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) });
  return { first, b, redis, prefix };
}

describe('the node of a room\'s authority dies', () => {
  it('[COLLAB-30] a node with members takes the room over: surviving members keep editing and converge, every acknowledged edit is there', async () => {
    const { first, b } = await twoNodes();

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

  it('[COLLAB-30] the authority\'s node pauses longer than its lease: another node takes the room over, and the paused node, back, gives it up; the members converge', async () => {
    const { first, b, redis, prefix } = await twoNodes();
    const ada = member(first.url, 'paused').room;
    await ada.synced; // the authority is on the child's node
    const bob = member(b.url, 'paused').room;
    await bob.synced;
    append(ada, 'a0;');
    append(bob, 'b0;');
    await Promise.all([ada.flush(), bob.flush()]);
    // The nodes serving the room's relay channel: its authorities.
    const serving = async (): Promise<string | null> => redis.hget(`${prefix}lsn`, '/kuiper-collab/relay/paused');
    expect(await serving()).toBe('1');

    first.child.kill('SIGSTOP'); // a pause longer than the lease: a long collection, a frozen VM
    await eventually(() => expect(b.collab.openRooms()).toEqual(['paused']), LEASE_MS * 10);
    append(bob, 'b1;');
    await bob.flush();
    first.child.kill('SIGCONT');
    // Back, the child's node finds its lease lapsed and the room taken: it unloads it, and its
    // member is relayed to the new authority from then on. One authority again.
    await eventually(async () => expect(await serving()).toBe('1'), LEASE_MS * 10);
    append(ada, 'a1;');
    append(bob, 'b2;');
    await Promise.all([ada.flush(), bob.flush()]);
    await eventually(() => expect(text(ada)).toBe(text(bob)));
    for (const piece of ['a0;', 'b0;', 'b1;', 'a1;', 'b2;']) expect(text(bob)).toContain(piece);
    const late = member(b.url, 'paused').room; // from what the one authority holds
    await late.synced;
    expect(text(late)).toBe(text(bob));
  }, 40_000);
});
