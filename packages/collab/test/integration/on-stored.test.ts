// [COLLAB-44] onStored: the app hears every stored update once, after it is durable — on one node,
// on two nodes sharing Redis (only the room's authority tells), and a hook that throws breaks nothing.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eventually } from '@kuiper/testkit';
import { RedisEngine } from '@kuiper/server/redis';
import { MemoryStore } from '../../src/index.js';
import type { StoredEvent } from '../../src/server/index.js';
import { cleanRedisPrefix, member, REDIS_URL, startCollab, text } from './helpers.js';

/** The text the told updates make, applied in seq order to a document of the app's own. */
function replay(events: readonly StoredEvent[]): string {
  const doc = new Y.Doc();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) Y.applyUpdate(doc, e.update);
  return doc.getText('t').toString();
}

describe('onStored', () => {
  it('[COLLAB-44] tells every stored update, members\' and the server\'s own, after it is in the store; replayed, they make the document', async () => {
    const store = new MemoryStore();
    const told: StoredEvent[] = [];
    const inStoreWhenTold: boolean[] = [];
    const server = await startCollab({
      store,
      onStored: async (event) => {
        told.push(event);
        inStoreWhenTold.push((await store.load(event.room)).updates.some((u) => u.seq === event.seq));
      },
    });
    const ada = member(server.url, 'log', { presence: { name: 'Ada' } }).room;
    const bob = member(server.url, 'log', { presence: { name: 'Bob' } }).room;
    await Promise.all([ada.synced, bob.synced]);
    for (let i = 0; i < 5; i++) {
      ada.doc.getText('t').insert(0, `a${i} `);
      bob.doc.getText('t').insert(0, `b${i} `);
    }
    await Promise.all([ada.flush(), bob.flush()]);
    const handle = await server.collab.openDocument('log');
    await handle.change((doc) => doc.getText('t').insert(0, 'server '));
    await eventually(() => expect(text(ada)).toBe(handle.doc.getText('t').toString()));

    const stored = (await store.load('log')).updates;
    await eventually(() => expect(told.map((e) => e.seq)).toEqual(stored.map((u) => u.seq)));
    expect(told.every((e) => e.room === 'log')).toBe(true);
    expect(inStoreWhenTold.every(Boolean)).toBe(true);
    expect(replay(told)).toBe(text(ada));
    await handle.close();
  });

  it('[COLLAB-44] a hook that throws goes to onError; the room stores and serves as before', async () => {
    const errors: string[] = [];
    const server = await startCollab({ onStored: () => { throw new Error('webhook down'); }, onError: (e) => errors.push(e.message) });
    const ada = member(server.url, 'sturdy').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'kept');
    await ada.flush();
    const late = member(server.url, 'sturdy').room;
    await late.synced;
    expect(text(late)).toBe('kept');
    expect(errors).toContain('webhook down');
  });

  it('[COLLAB-44] [COLLAB-28] on two nodes, only the room\'s authority tells: every update once', async () => {
    const prefix = `kuiper-test:on-stored:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const store = new MemoryStore();
    const toldA: StoredEvent[] = [];
    const toldB: StoredEvent[] = [];
    const a = await startCollab({ store, onStored: (e) => void toldA.push(e) }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) });
    const b = await startCollab({ store, onStored: (e) => void toldB.push(e) }, { engine: new RedisEngine({ url: REDIS_URL, prefix }) });
    const ada = member(a.url, 'two', { presence: { name: 'Ada' } }).room; // node a: the authority
    await ada.synced;
    const bob = member(b.url, 'two', { presence: { name: 'Bob' } }).room;
    await bob.synced;
    ada.doc.getText('t').insert(0, 'from a. ');
    await ada.flush();
    bob.doc.getText('t').insert(0, 'from b. ');
    await bob.flush();
    await eventually(() => expect(text(ada)).toBe(text(bob)));
    const stored = (await store.load('two')).updates;
    await eventually(() => expect(toldA.map((e) => e.seq)).toEqual(stored.map((u) => u.seq)));
    expect(toldB).toEqual([]);
    expect(replay(toldA)).toBe(text(bob));
  }, 20_000);
});
