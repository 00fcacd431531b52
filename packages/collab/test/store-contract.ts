// The document store contract (SPEC: COLLAB-15): one suite that every store passes, registered by
// each store's test file with its own factory, as the server's engine contract is.
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetStore, DocumentStore, VersionDraft, VersionStore } from '../src/index.js';

export interface StoreFactory {
  /** A fresh, empty store. */
  open(): Promise<DocumentStore>;
  /** For persistent stores: the same data opened again after `store` is closed. */
  reopen?(store: DocumentStore): Promise<DocumentStore>;
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

/** Every store of the package keeps assets (COLLAB-47), though the interface leaves them optional. */
function assetsOf(store: DocumentStore): AssetStore {
  const { putAsset, getAsset, listAssets, markAssets, deleteAssets } = store;
  if (!putAsset || !getAsset || !listAssets || !markAssets || !deleteAssets) throw new Error('this store keeps no assets');
  return { putAsset: putAsset.bind(store), getAsset: getAsset.bind(store), listAssets: listAssets.bind(store), markAssets: markAssets.bind(store), deleteAssets: deleteAssets.bind(store) };
}

/** Every store of the package keeps versions (COLLAB-50), though the interface leaves them optional. */
function versionsOf(store: DocumentStore): VersionStore {
  const { putVersion, listVersions, getVersion } = store;
  if (!putVersion || !listVersions || !getVersion) throw new Error('this store keeps no versions');
  return { putVersion: putVersion.bind(store), listVersions: listVersions.bind(store), getVersion: getVersion.bind(store) };
}

/** A version taken at `at` covering seq `at`: enough to tell versions apart in a test. */
const version = (at: number, state: Uint8Array = bytes(at), more: Pick<VersionDraft, 'label' | 'by'> = {}): VersionDraft => ({ at, seq: at, state, ...more });

/** Inside a describe: `open()` gives a fresh store, closed after each test (`opened` takes reopened ones too). */
export function storesOf(factory: StoreFactory): { open: () => Promise<DocumentStore>; opened: DocumentStore[] } {
  const opened: DocumentStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  });
  const open = async (): Promise<DocumentStore> => {
    const store = await factory.open();
    opened.push(store);
    return store;
  };
  return { open, opened };
}

export function storeContract(label: string, factory: StoreFactory): void {
  describe(`[COLLAB-15] document store contract: ${label}`, () => {
    const { open, opened } = storesOf(factory);

    it('[COLLAB-15] an unknown room loads empty', async () => {
      const store = await open();
      expect(await store.load('nothing-here')).toEqual({ snapshot: undefined, snapshotSeq: 0, updates: [] });
    });

    it('[COLLAB-15] appends get increasing seqs and load returns them in order, per room', async () => {
      const store = await open();
      expect(await store.appendUpdate('a', bytes(1))).toBe(1);
      expect(await store.appendUpdate('ab', bytes(9))).toBe(1); // a room whose name extends another's
      expect(await store.appendUpdate('a', bytes(2, 2))).toBe(2);
      const mine = bytes(3, 3, 3);
      expect(await store.appendUpdate('a', mine)).toBe(3);
      mine[0] = 99; // the store keeps what was appended, not the caller's buffer
      const { updates, snapshot } = await store.load('a');
      expect(snapshot).toBeUndefined();
      expect(updates.map((u) => [u.seq, [...u.update]])).toEqual([[1, [1]], [2, [2, 2]], [3, [3, 3, 3]]]);
      expect((await store.load('ab')).updates.map((u) => [...u.update])).toEqual([[9]]);
    });

    it('[COLLAB-15] concurrent appends to one room get distinct seqs and all are kept', async () => {
      const store = await open();
      const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendUpdate('r', bytes(i))));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await store.load('r')).updates).toHaveLength(20);
    });

    it('[COLLAB-15] a snapshot replaces the log entries it covers, seqs are never reused, and an older snapshot never wins', async () => {
      const store = await open();
      for (let i = 1; i <= 4; i++) await store.appendUpdate('r', bytes(i));
      await store.writeSnapshot('r', bytes(7, 7), 3);
      let loaded = await store.load('r');
      expect([...(loaded.snapshot ?? [])]).toEqual([7, 7]);
      expect(loaded.snapshotSeq).toBe(3);
      expect(loaded.updates.map((u) => u.seq)).toEqual([4]);
      expect(await store.appendUpdate('r', bytes(5))).toBe(5);
      await store.writeSnapshot('r', bytes(8), 5);
      expect(await store.appendUpdate('r', bytes(6))).toBe(6);
      await store.writeSnapshot('r', bytes(1), 2); // late and stale
      loaded = await store.load('r');
      expect([...(loaded.snapshot ?? [])]).toEqual([8]);
      expect(loaded.snapshotSeq).toBe(5);
      expect(loaded.updates.map((u) => u.seq)).toEqual([6]);
    });

    it('[COLLAB-15] delete forgets one room only', async () => {
      const store = await open();
      await store.appendUpdate('gone', bytes(1));
      await store.writeSnapshot('gone', bytes(2), 1);
      await store.appendUpdate('kept', bytes(3));
      await store.delete('gone');
      expect(await store.load('gone')).toEqual({ snapshot: undefined, snapshotSeq: 0, updates: [] });
      expect((await store.load('kept')).updates).toHaveLength(1);
      expect(await store.appendUpdate('gone', bytes(4))).toBe(1);
    });

    it('[COLLAB-47] [CHAT-14] assets: stored once per room under their id, a copy of the bytes, gone with the room', async () => {
      const store = await open();
      const { putAsset, getAsset } = assetsOf(store);
      const picture = bytes(0x89, 0x50, 0x4e, 0x47, 7);
      expect(await putAsset('a', 'f00d', picture)).toBe('stored');
      picture[4] = 99; // the store keeps what was given, not the caller's buffer
      expect(await putAsset('a', 'f00d', bytes(1))).toBe('exists'); // the same id again changes nothing (the id is the bytes' hash)
      expect([...((await getAsset('a', 'f00d')) ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47, 7]);
      expect(await getAsset('ab', 'f00d')).toBeUndefined(); // another room (whose name extends this one's)
      expect(await getAsset('a', 'beef')).toBeUndefined();
      expect(await store.hasAssets!('a', ['beef', 'f00d', 'cafe'])).toEqual(['f00d']); // [CHAT-14] which the room has, without their bytes
      expect(await store.hasAssets!('ab', ['f00d'])).toEqual([]);
      expect(await store.hasAssets!('a', [])).toEqual([]);
      await putAsset('ab', 'f00d', bytes(2));
      await store.delete('a');
      expect(await getAsset('a', 'f00d')).toBeUndefined();
      expect([...((await getAsset('ab', 'f00d')) ?? [])]).toEqual([2]);
    });

    it('[COLLAB-47] a room\'s assets stay within maxRoomBytes, even when uploads race; another room has its own', async () => {
      const store = await open();
      const { putAsset, getAsset } = assetsOf(store);
      expect(await putAsset('r', 'one', bytes(1, 2, 3), 5)).toBe('stored');
      expect(await putAsset('r', 'two', bytes(4, 5, 6), 5)).toBe('full');
      expect(await getAsset('r', 'two')).toBeUndefined();
      expect(await putAsset('r', 'one', bytes(1, 2, 3), 5)).toBe('exists'); // there already: not counted again
      expect(await putAsset('r', 'two', bytes(4, 5), 5)).toBe('stored'); // exactly at the limit
      const raced = await Promise.all(Array.from({ length: 10 }, (_, i) => putAsset('race', `id${i}`, bytes(i), 4)));
      expect(raced.filter((put) => put === 'stored')).toHaveLength(4);
      expect(raced.filter((put) => put === 'full')).toHaveLength(6);
      expect(await putAsset('other', 'one', bytes(1, 2, 3, 4, 5), 5)).toBe('stored');
      await store.delete('r'); // the room's count goes with it
      expect(await putAsset('r', 'three', bytes(7, 8, 9, 10, 11), 5)).toBe('stored');
    });

    it('[COLLAB-48] assets are listed with their unused marks; only one still marked since the time given is deleted, and its bytes leave the room\'s total', async () => {
      const store = await open();
      const { putAsset, getAsset, listAssets, markAssets, deleteAssets } = assetsOf(store);
      await putAsset('r', 'a1', bytes(1, 2, 3), 6);
      await putAsset('r', 'b2', bytes(4, 5, 6), 6);
      await putAsset('r', 'c3', bytes(7), 6); // no room left: the limit is 6
      const sorted = async (room: string) => [...(await listAssets(room))].sort((x, y) => x.id.localeCompare(y.id));
      expect(await sorted('r')).toEqual([{ id: 'a1' }, { id: 'b2' }]);
      await markAssets('r', [{ id: 'a1', unusedSince: 1000 }, { id: 'b2', unusedSince: 5000 }, { id: 'zz', unusedSince: 1 }]);
      expect(await sorted('r')).toEqual([{ id: 'a1', unusedSince: 1000 }, { id: 'b2', unusedSince: 5000 }]); // 'zz' is not the room's
      // Only those marked at or before 2000: b2 was found unused later, zz and c3 are not there.
      expect(await deleteAssets('r', ['a1', 'b2', 'zz', 'c3'], 2000)).toEqual(['a1']);
      expect(await getAsset('r', 'a1')).toBeUndefined();
      expect(await sorted('r')).toEqual([{ id: 'b2', unusedSince: 5000 }]);
      expect(await putAsset('r', 'c3', bytes(7, 8, 9), 6)).toBe('stored'); // a1's three bytes were freed
      // A cleared mark keeps an asset; so does uploading it again (someone uses it again).
      await markAssets('r', [{ id: 'b2', unusedSince: null }, { id: 'c3', unusedSince: 10 }]);
      expect(await putAsset('r', 'c3', bytes(7, 8, 9), 6)).toBe('exists');
      expect(await sorted('r')).toEqual([{ id: 'b2' }, { id: 'c3' }]);
      expect(await deleteAssets('r', ['b2', 'c3'], 1e15)).toEqual([]);
      expect(await listAssets('empty')).toEqual([]);
      // Base64 padding counted right (Redis keeps base64): 1 and 2 bytes freed.
      await putAsset('p', 'one', bytes(1), 3);
      await putAsset('p', 'two', bytes(1, 2), 3);
      await markAssets('p', [{ id: 'one', unusedSince: 0 }, { id: 'two', unusedSince: 0 }]);
      expect((await deleteAssets('p', ['one', 'two'], 0)).sort()).toEqual(['one', 'two']);
      expect(await putAsset('p', 'three', bytes(1, 2, 3), 3)).toBe('stored');
    });

    it('[COLLAB-50] versions get ids 1, 2, 3… per room and are listed newest first, with their label and author and the size of their state', async () => {
      const store = await open();
      const { putVersion, listVersions } = versionsOf(store);
      expect(await putVersion('a', version(100, bytes(1, 2, 3)), 10)).toStrictEqual({ id: 1, at: 100, seq: 100, bytes: 3 }); // no label, no author: no such keys
      expect(await putVersion('ab', version(150), 10)).toMatchObject({ id: 1 }); // another room (whose name extends this one's) counts its own
      const labelled = await putVersion('a', version(200, bytes(4, 5), { label: 'Before the launch', by: { id: 'u1', name: 'Ada' } }), 10);
      expect(labelled).toStrictEqual({ id: 2, at: 200, seq: 200, bytes: 2, label: 'Before the launch', by: { id: 'u1', name: 'Ada' } });
      expect(await putVersion('a', version(300, new Uint8Array(0), { by: { id: 'u2' } }), 10)).toStrictEqual({ id: 3, at: 300, seq: 300, bytes: 0, by: { id: 'u2' } });
      expect(await listVersions('a')).toStrictEqual([
        { id: 3, at: 300, seq: 300, bytes: 0, by: { id: 'u2' } },
        { id: 2, at: 200, seq: 200, bytes: 2, label: 'Before the launch', by: { id: 'u1', name: 'Ada' } },
        { id: 1, at: 100, seq: 100, bytes: 3 },
      ]);
      expect((await listVersions('ab')).map((v) => v.id)).toEqual([1]);
      expect(await listVersions('none')).toEqual([]);
    });

    it('[COLLAB-50] a version\'s state comes back exactly, a copy of what was put; an unknown id or room has none', async () => {
      const store = await open();
      const { putVersion, getVersion } = versionsOf(store);
      const mine = bytes(9, 8, 7, 0, 255);
      await putVersion('r', version(1, mine), 10);
      mine[0] = 99; // the store keeps what was put, not the caller's buffer
      await putVersion('r', version(2, bytes(6)), 10);
      const got = await getVersion('r', 1);
      expect([...(got ?? [])]).toEqual([9, 8, 7, 0, 255]);
      got![1] = 42; // nor what it gave back
      expect([...((await getVersion('r', 1)) ?? [])]).toEqual([9, 8, 7, 0, 255]);
      expect([...((await getVersion('r', 2)) ?? [])]).toEqual([6]);
      expect(await getVersion('r', 3)).toBeUndefined();
      expect(await getVersion('r', 0)).toBeUndefined();
      expect(await getVersion('r', 1.5)).toBeUndefined();
      expect(await getVersion('other', 1)).toBeUndefined();
    });

    it('[COLLAB-50] a put keeps the newest `keep` unlabelled versions and every labelled one, and never gives an id again', async () => {
      const store = await open();
      const { putVersion, listVersions, getVersion } = versionsOf(store);
      await putVersion('r', version(1), 2);
      await putVersion('r', version(2, bytes(2), { label: 'kept' }), 2);
      await putVersion('r', version(3), 2);
      await putVersion('r', version(4), 2); // three unlabelled now: 1 goes
      expect((await listVersions('r')).map((v) => v.id)).toEqual([4, 3, 2]);
      expect(await getVersion('r', 1)).toBeUndefined();
      expect(await putVersion('r', version(5), 2)).toMatchObject({ id: 5 }); // 3 goes; 2, labelled, stays
      expect((await listVersions('r')).map((v) => v.id)).toEqual([5, 4, 2]);
      expect([...((await getVersion('r', 2)) ?? [])]).toEqual([2]);
      // A labelled put prunes too (keep is the caller's, and may have been lowered).
      expect(await putVersion('r', version(6, bytes(6), { label: 'also kept' }), 1)).toMatchObject({ id: 6 });
      expect((await listVersions('r')).map((v) => v.id)).toEqual([6, 5, 2]);
      // Racing puts: every one gets its own id, and the room still keeps `keep` unlabelled.
      const raced = await Promise.all(Array.from({ length: 10 }, (_, i) => putVersion('race', version(i), 3)));
      expect(raced.map((v) => v.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect((await listVersions('race')).map((v) => v.id)).toEqual([10, 9, 8]);
    });

    it('[COLLAB-50] delete forgets the versions of that room only', async () => {
      const store = await open();
      const { putVersion, listVersions, getVersion } = versionsOf(store);
      await putVersion('gone', version(1, bytes(1), { label: 'named' }), 5);
      await putVersion('gone', version(2), 5);
      await putVersion('kept', version(3), 5);
      await store.delete('gone');
      expect(await listVersions('gone')).toEqual([]);
      expect(await getVersion('gone', 1)).toBeUndefined();
      expect(await getVersion('gone', 2)).toBeUndefined();
      expect(await listVersions('kept')).toStrictEqual([{ id: 1, at: 3, seq: 3, bytes: 1 }]);
      expect([...((await getVersion('kept', 1)) ?? [])]).toEqual([3]);
      expect(await putVersion('gone', version(4), 5)).toMatchObject({ id: 1 }); // forgotten entirely, as its seqs are
      expect((await listVersions('gone')).map((v) => v.id)).toEqual([1]);
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('[COLLAB-50] versions are there after a reopen, and ids continue after the last given, even a pruned one', async () => {
        const store = await open();
        const { putVersion } = versionsOf(store);
        await putVersion('r', version(1, bytes(1), { label: 'first', by: { id: 'u1', name: 'Ada' } }), 1);
        await putVersion('r', version(2), 1);
        await putVersion('r', version(3, bytes(3, 3)), 1); // 2 goes: the last id given is 3, the newest kept
        await putVersion('r', version(4, bytes(4), { label: 'last' }), 1); // the last id given is a labelled one
        await store.close();
        const again = await reopen(store);
        opened.push(again);
        const { putVersion: putAgain, listVersions, getVersion } = versionsOf(again);
        expect(await listVersions('r')).toStrictEqual([
          { id: 4, at: 4, seq: 4, bytes: 1, label: 'last' },
          { id: 3, at: 3, seq: 3, bytes: 2 },
          { id: 1, at: 1, seq: 1, bytes: 1, label: 'first', by: { id: 'u1', name: 'Ada' } },
        ]);
        expect([...((await getVersion('r', 3)) ?? [])]).toEqual([3, 3]);
        expect(await putAgain('r', version(5), 1)).toMatchObject({ id: 5 });
        expect((await listVersions('r')).map((v) => v.id)).toEqual([5, 4, 1]);
      });

      it('[COLLAB-47] assets are there after a reopen', async () => {
        const store = await open();
        await assetsOf(store).putAsset('r', 'cafe', bytes(1, 2, 3));
        await store.close();
        const again = await reopen(store);
        opened.push(again);
        expect([...((await assetsOf(again).getAsset('r', 'cafe')) ?? [])]).toEqual([1, 2, 3]);
      });
      it('[COLLAB-15] what was stored is there after a reopen, and seqs continue after it', async () => {
        const store = await open();
        await store.appendUpdate('r', bytes(1));
        await store.appendUpdate('r', bytes(2));
        await store.writeSnapshot('r', bytes(9), 2);
        await store.close();
        const again = await reopen(store);
        opened.push(again);
        const loaded = await again.load('r');
        expect([[...(loaded.snapshot ?? [])], loaded.snapshotSeq, loaded.updates]).toEqual([[9], 2, []]);
        expect(await again.appendUpdate('r', bytes(3))).toBe(3);
      });
    }
  });
}
