// Documents past the 256 KiB message limit over the real server (COLLAB-7): a late joiner of a 20 MB
// document, and a member uploading a multi-megabyte edit.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eventually } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { member, startCollab, text } from './helpers.js';

/** Text that compresses nowhere in Yjs: one insert of `bytes` characters. */
function bigText(bytes: number, seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  let x = seed;
  const chunk: string[] = [];
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    chunk.push(alphabet[x % alphabet.length]!);
    if (chunk.length === 65536) (out += chunk.join('')), (chunk.length = 0);
  }
  return out + chunk.join('');
}

describe('large documents over the real server', () => {
  it('[COLLAB-27] [COLLAB-7] [COLLAB-3] a late joiner of a 20 MB document gets all of it, paced within the server\'s session queue', async () => {
    const source = new Y.Doc();
    source.getText('t').insert(0, bigText(20 * 1024 * 1024, 1));
    const store = new MemoryStore();
    await store.appendUpdate('huge', Y.encodeStateAsUpdate(source));
    const { url, server } = await startCollab({ store }); // the default 16 MiB session queue
    const overflows: unknown[] = [];
    server.on('session:overflow', (e) => overflows.push(e));

    const late = member(url, 'huge').room;
    await late.synced;
    expect(text(late).length).toBe(20 * 1024 * 1024);
    expect(text(late)).toBe(source.getText('t').toString());
    expect(overflows).toEqual([]); // paced by the member's pulls, not dropped (COLLAB-27)
  }, 60_000);

  it('[COLLAB-7] a member\'s 3 MB edit reaches the others and is stored', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'upload').room;
    const bob = member(url, 'upload').room;
    await Promise.all([ada.synced, bob.synced]);
    const big = bigText(3 * 1024 * 1024, 2);
    ada.doc.getText('t').insert(0, big);
    await ada.flush();
    await eventually(() => expect(text(bob).length).toBe(big.length), 20_000);
    expect(text(bob)).toBe(big);
  }, 60_000);

  it('[COLLAB-32] [COLLAB-27] a 20 MB edit reaches two other members on the default limits, paced by their pulls, nothing dropped', async () => {
    const { url, server } = await startCollab(); // the default 16 MiB session queue
    const overflows: unknown[] = [];
    server.on('session:overflow', (e) => overflows.push(e));
    const [ada, bob, cy] = ['ada', 'bob', 'cy'].map(() => member(url, 'burst').room);
    await Promise.all([ada!.synced, bob!.synced, cy!.synced]);
    const big = bigText(20 * 1024 * 1024, 3);
    ada!.doc.getText('t').insert(0, big);
    await ada!.flush();
    await eventually(() => {
      expect(text(bob!).length).toBe(big.length);
      expect(text(cy!).length).toBe(big.length);
    }, 50_000);
    expect(text(bob!)).toBe(big);
    expect(text(cy!)).toBe(big);
    expect(overflows).toEqual([]);
    bob!.doc.getText('t').insert(0, 'after;'); // the room carries on with small updates
    await eventually(() => expect(text(ada!).startsWith('after;')).toBe(true));
  }, 90_000);
});
