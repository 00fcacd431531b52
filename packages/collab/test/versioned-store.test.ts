// [COLLAB-50] When the server keeps a snapshot as a version, and how many it keeps: pure rules,
// then the wrapper over a real MemoryStore with a clock the test moves.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryStore, type VersionEntry } from '../src/index.js';
import { versionDue, versionedStore, versionsToKeep } from '../src/server/versioned-store.js';

const entry = (id: number, bytes: number, label?: string): VersionEntry => ({ id, at: id * 1000, seq: id, bytes, ...(label ? { label } : {}) });

describe('[COLLAB-50] versions the server keeps', () => {
  it('[COLLAB-50] a snapshot is due as a version when the room has none, or the newest is old enough and the document changed since', () => {
    expect(versionDue(undefined, 3, 0, 600_000)).toBe(true);
    expect(versionDue(undefined, 3, 0, Infinity)).toBe(false);
    expect(versionDue(entry(1, 10), 5, 1000 + 599_999, 600_000)).toBe(false);
    expect(versionDue(entry(1, 10), 5, 1000 + 600_000, 600_000)).toBe(true);
    expect(versionDue(entry(1, 10), 1, 1000 + 900_000, 600_000)).toBe(false); // unchanged: seq 1 again
  });

  it('[COLLAB-50] unlabelled versions are kept newest first within the count and the bytes; labelled ones spend none; the newest always stays', () => {
    const listed = [entry(5, 40), entry(4, 1000, 'Named'), entry(3, 40), entry(2, 40), entry(1, 40)];
    expect(versionsToKeep(listed, { bytes: 40, labelled: false }, 50, 1000)).toBe(5); // all four and the new one
    expect(versionsToKeep(listed, { bytes: 40, labelled: false }, 3, 1000)).toBe(3);
    expect(versionsToKeep(listed, { bytes: 40, labelled: false }, 50, 130)).toBe(3); // 40 + 40 + 40 fit, a fourth does not
    expect(versionsToKeep(listed, { bytes: 5000, labelled: false }, 50, 1000)).toBe(1); // too large alone: still kept
    expect(versionsToKeep(listed, { bytes: 5000, labelled: true }, 50, 100)).toBe(2); // a named one leaves the budget to the others
    expect(versionsToKeep([entry(1, 5000)], { bytes: 10, labelled: true }, 50, 100)).toBe(1); // the newest unlabelled stays
  });

  it('[COLLAB-50] the wrapper keeps the first snapshot, skips one too soon, and prunes past maxRoomBytes; a failing version costs the snapshot nothing', async () => {
    const store = new MemoryStore();
    let now = 0;
    const reported: unknown[] = [];
    const versioned = versionedStore(store, { everyMs: 1000, maxRoomBytes: 2 * 1024 }, (e) => reported.push(e), () => now);
    const doc = new Y.Doc();
    const snapshot = async (seq: number, text: string): Promise<void> => {
      const t = doc.getText('t');
      doc.transact(() => {
        t.delete(0, t.length); // deleted text is garbage-collected: each state is about its text's size
        t.insert(0, text);
      });
      await versioned.writeSnapshot('r', Y.encodeStateAsUpdate(doc), seq);
    };
    await snapshot(1, 'a');
    now = 500;
    await snapshot(2, 'b'); // too soon
    expect((await store.listVersions('r')).map((v) => v.seq)).toEqual([1]);
    for (let seq = 3; seq <= 8; seq++) {
      now += 1000;
      await snapshot(seq, 'x'.repeat(500));
    }
    const kept = await store.listVersions('r');
    expect(kept[0]?.seq).toBe(8);
    expect(kept.reduce((sum, v) => sum + v.bytes, 0)).toBeLessThanOrEqual(2 * 1024);
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(7);
    expect((await store.load('r')).snapshotSeq).toBe(8);

    const broken = Object.assign(Object.create(store) as MemoryStore, { putVersion: () => Promise.reject(new Error('disk full')) });
    now += 5000;
    await versionedStore(broken, { everyMs: 1000 }, (e) => reported.push(e), () => now).writeSnapshot('r', Y.encodeStateAsUpdate(doc), 9);
    expect((await store.load('r')).snapshotSeq).toBe(9);
    expect(reported).toEqual([new Error('disk full')]);
  });

  it('[COLLAB-50] a snapshot sooner than everyMs after the newest version it knows of reads no list; a save made elsewhere still decides', async () => {
    const store = new MemoryStore();
    let lists = 0;
    const counted = Object.assign(Object.create(store) as MemoryStore, {
      listVersions: (room: string) => {
        lists++;
        return store.listVersions(room);
      },
    });
    let now = 0;
    const versioned = versionedStore(counted, { everyMs: 1000 }, (e) => expect.fail(String(e)), () => now);
    const doc = new Y.Doc();
    const snapshot = (seq: number): Promise<void> => {
      doc.getArray<number>('a').push([seq]);
      return versioned.writeSnapshot('r', Y.encodeStateAsUpdate(doc), seq);
    };
    await snapshot(1); // the room's first: kept
    for (let seq = 2; seq <= 5; seq++) {
      now += 100;
      await snapshot(seq);
    }
    expect([lists, (await store.listVersions('r')).map((v) => v.seq)]).toEqual([1, [1]]);
    now = 1000;
    await snapshot(6);
    expect([lists, (await store.listVersions('r')).map((v) => v.seq)]).toEqual([2, [6, 1]]);

    // A member saves at 1500 (through the store, as collab.versions does): at 2000 the snapshot reads
    // the list, finds that save 500 ms old, and keeps nothing; until 2500 it reads nothing.
    await store.putVersion('r', { at: 1500, state: Y.encodeStateAsUpdate(doc), seq: 7, label: 'Mine' }, 50);
    now = 2000;
    await snapshot(8);
    now = 2400;
    await snapshot(9);
    expect([lists, (await store.listVersions('r')).map((v) => v.seq)]).toEqual([3, [7, 6, 1]]);

  });
});
