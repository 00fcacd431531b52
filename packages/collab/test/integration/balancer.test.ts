// [COLLAB-31] Two `kuiper serve --collab --redis` nodes behind a round-robin balancer with no
// stickiness: a long-polling member's requests alternate nodes, and the room still works.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cleanup, eventually } from '@kuiper/testkit';
import { startBalancer } from '../../../server/test/cluster/cluster.js';
import type { Room } from '../../src/index.js';
import { cleanRedisPrefix, member, REDIS_URL, text } from './helpers.js';
import { serve } from './processes.js';

const names = (room: Room): unknown[] => room.presence.others().map((e) => e.state['name']).sort();

describe('rooms behind a round-robin balancer', () => {
  it('[COLLAB-31] long-polling members whose requests alternate between two --collab --redis nodes edit and converge; presence is the same from both nodes', async () => {
    const prefix = `kuiper-test:collab-balancer:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const args = ['--collab', '--redis', REDIS_URL, '--redis-prefix', prefix];
    const [a, b] = await Promise.all([serve(args), serve(args)]);
    const ports = [a.url, b.url].map((url) => Number(new URL(url).port));
    const lb = await startBalancer(cleanup, ports, new URL(a.url).pathname);

    const people = ['Ada', 'Bob', 'Cy'];
    const rooms = people.map((name) => member(lb.url, 'balanced', { presence: { name } }, { transports: ['long-polling'] }).room);
    await Promise.all(rooms.map((room) => room.synced));
    for (let i = 0; i < 5; i++) {
      rooms.forEach((room, who) => room.doc.getText('t').insert(0, `${people[who]}${i};`));
      await Promise.all(rooms.map((room) => room.flush())); // every ack crossed the balancer
    }
    await eventually(() => expect(new Set(rooms.map(text)).size).toBe(1), 10_000);
    expect(text(rooms[0]!).split(';').filter(Boolean)).toHaveLength(15);
    expect(new Set(lb.routed)).toEqual(new Set(ports)); // both nodes answered

    // Presence asked through either node: a client on each node alone sees the same members.
    const [onA, onB] = [a.url, b.url].map((url) => member(url, 'balanced', { presence: { name: 'Watcher' } }).room);
    await Promise.all([onA!.synced, onB!.synced]);
    await eventually(() => {
      expect(names(onA!).filter((n) => n !== 'Watcher')).toEqual(people);
      expect(names(onB!).filter((n) => n !== 'Watcher')).toEqual(people);
      rooms.forEach((room, who) => expect(names(room)).toEqual([...people.filter((_, i) => i !== who), 'Watcher', 'Watcher']));
    }, 10_000);
    expect(text(onA!)).toBe(text(rooms[0]!));
    expect(text(onB!)).toBe(text(rooms[0]!));
  }, 30_000);
});
