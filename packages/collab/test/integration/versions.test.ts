// [COLLAB-50] Version history on real servers at port 0: the server keeps versions of its own at
// compaction, members save, open and bring back versions through `room.versions` over HTTP, and
// what a restore writes reaches everyone as an ordinary edit.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eventually } from '@kuiper/testkit';
import { MemoryStore, type Room } from '../../src/index.js';
import { member, startCollab, twoCollabNodes } from './helpers.js';

/** The session's data is what its handshake's `ext.role` said: `viewer` may read only. */
const byRole = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { role: m.ext?.['role'] ?? null, user: m.ext?.['user'] ?? null } }) } };
const readOnlyViewers = { authorize: (_room: string, session: { data?: unknown }) => ({ canWrite: (session.data as { role?: string } | null)?.role !== 'viewer' }) };

const versionsUrlOf = (url: string): string => `${new URL(url).origin}/kuiper-versions`;
const shapes = (room: Room | Y.Doc): unknown => ('doc' in room ? room.doc : room).getMap('shapes').toJSON();
const set = (room: Room, key: string, value: unknown): void => {
  room.doc.transact(() => room.doc.getMap('shapes').set(key, value));
};

describe('[COLLAB-50] version history', () => {
  it('[COLLAB-50] the server keeps a snapshot as a version when the newest is old enough, not before', async () => {
    const { url } = await startCollab({ versions: { everyMs: 1500 }, snapshotDebounceMs: 20, snapshotMaxWaitMs: 50 });
    const { room: ada } = member(url, 'timeline', { versionsUrl: versionsUrlOf(url) });
    await ada.synced;
    const started = Date.now();
    set(ada, 'a', 1);
    await ada.flush();
    // The first snapshot of the room is its first version.
    await eventually(async () => {
      const listed = await ada.versions!.list();
      expect(listed.ok && listed.value.map((v) => [v.id, v.label, v.by])).toEqual([[1, undefined, undefined]]);
    });
    set(ada, 'b', 2);
    await ada.flush();
    // Its snapshot is written (20 ms after), but the newest version is younger than `everyMs`.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const listed = await ada.versions!.list();
    expect(listed.ok && listed.value.length).toBe(1);
    const first = await ada.versions!.open(1);
    expect(first.ok && shapes(first.value)).toEqual({ a: 1 });
    // Once it is old enough, the next snapshot is the next version.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 1600 - Date.now())));
    set(ada, 'c', 3);
    await ada.flush();
    await eventually(async () => {
      const again = await ada.versions!.list();
      expect(again.ok && again.value.map((v) => v.id)).toEqual([2, 1]);
    });
    const second = await ada.versions!.open(2);
    expect(second.ok && shapes(second.value)).toEqual({ a: 1, b: 2, c: 3 });
  });

  it('[COLLAB-50] a member saves a named version, another opens it, and bringing it back reaches everyone as one undoable edit; the state before is kept', async () => {
    const { url } = await startCollab({ versions: { everyMs: Infinity } }, byRole);
    const versionsUrl = versionsUrlOf(url);
    const { room: ada } = member(url, 'launch', { versionsUrl }, { ext: { user: { id: 'ada', name: 'Ada' } } });
    const { room: bob } = member(url, 'launch', { versionsUrl }, { ext: { user: { id: 'bob', name: 'Bob' } } });
    await Promise.all([ada.synced, bob.synced]);
    set(ada, 'plan', 'draft');
    set(ada, 'owner', 'ada');
    const saved = await ada.versions!.save('  Before the launch ');
    expect(saved).toMatchObject({ ok: true, value: { id: 1, label: 'Before the launch', by: { id: 'ada', name: 'Ada' } } });

    // Meanwhile the board changes: a key removed, one changed, one added.
    ada.doc.transact(() => ada.doc.getMap('shapes').delete('owner'));
    set(bob, 'plan', 'final');
    set(bob, 'extra', true);
    await Promise.all([ada.flush(), bob.flush()]);
    await eventually(() => expect(shapes(ada)).toEqual({ plan: 'final', extra: true }));

    const listed = await bob.versions!.list();
    expect(listed.ok && listed.value.map((v) => v.label)).toEqual(['Before the launch']);
    const opened = await bob.versions!.open(1);
    expect(opened.ok && shapes(opened.value)).toEqual({ plan: 'draft', owner: 'ada' });

    const restored = await bob.versions!.restore(1);
    expect(restored).toMatchObject({ ok: true, value: { before: { id: 2, by: { id: 'bob', name: 'Bob' } } } });
    expect(shapes(bob)).toEqual({ plan: 'draft', owner: 'ada' });
    await eventually(() => expect(shapes(ada)).toEqual({ plan: 'draft', owner: 'ada' }));
    // The document as it was before the restore is a version anyone can go back to.
    const before = await ada.versions!.open(2);
    expect(before.ok && shapes(before.value)).toEqual({ plan: 'final', extra: true });

    // One step of Bob's undo takes it back, for everyone; Ada's undo has nothing of it.
    expect(ada.canUndo()).toBe(true); // her own earlier edits
    expect(bob.undo()).toBe(true);
    await bob.flush();
    expect(shapes(bob)).toEqual({ plan: 'final', extra: true });
    await eventually(() => expect(shapes(ada)).toEqual({ plan: 'final', extra: true }));
  });

  it('[COLLAB-50] a reader lists and opens but cannot save or bring back; strangers, bad labels and unknown versions get clear answers; nothing changes', async () => {
    const { url } = await startCollab({ ...readOnlyViewers, versions: { everyMs: Infinity, maxLabelled: 1 } }, byRole);
    const versionsUrl = versionsUrlOf(url);
    const { room: ada } = member(url, 'guarded', { versionsUrl });
    const { room: vic } = member(url, 'guarded', { versionsUrl }, { ext: { role: 'viewer' } });
    await Promise.all([ada.synced, vic.synced]);
    set(ada, 'kept', 1);
    expect((await ada.versions!.save('One')).ok).toBe(true);
    set(ada, 'later', 2);
    await ada.flush();
    await eventually(() => expect(shapes(vic)).toEqual({ kept: 1, later: 2 }));

    expect((await vic.versions!.list()).ok).toBe(true);
    expect((await vic.versions!.open(1)).ok).toBe(true);
    expect(await vic.versions!.save('Mine')).toMatchObject({ ok: false, error: { code: 'read_only' } });
    expect(await vic.versions!.restore(1)).toMatchObject({ ok: false, error: { code: 'read_only' } });
    expect(shapes(vic)).toEqual({ kept: 1, later: 2 });

    expect(await ada.versions!.restore(9)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ada.versions!.open(0)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ada.versions!.save('x'.repeat(101))).toMatchObject({ ok: false, error: { code: 'version_refused' } });
    expect(await ada.versions!.save('Two')).toMatchObject({ ok: false, error: { code: 'version_refused', message: expect.stringContaining('at most 1 named') } });
    // Without a name there is no limit but `keep`; unchanged since the newest, it is that one.
    const plain = await ada.versions!.save();
    expect(plain).toMatchObject({ ok: true, value: { id: 2 } });
    expect(await ada.versions!.save()).toEqual(plain);
    expect(shapes(ada)).toEqual({ kept: 1, later: 2 });

    const stranger = await fetch(`${versionsUrl}/guarded`);
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toMatchObject({ error: 'client_missing' });
    const notMember = await fetch(`${versionsUrl}/guarded/1`, { headers: { 'X-Kuiper-Client': 'nobody' } });
    expect(notMember.status).toBe(403);
    const badRoom = await fetch(`${versionsUrl}/no%20room`, { headers: { 'X-Kuiper-Client': 'nobody' } });
    expect(badRoom.status).toBe(400);
  });

  it('[COLLAB-50] a store without versions answers 501 and the client says versions are unavailable', async () => {
    const store = new MemoryStore();
    const withoutVersions = Object.assign(Object.create(store) as MemoryStore, { putVersion: undefined, listVersions: undefined, getVersion: undefined });
    const { url } = await startCollab({ store: withoutVersions });
    const { room } = member(url, 'plain', { versionsUrl: versionsUrlOf(url) });
    await room.synced;
    expect(await room.versions!.list()).toMatchObject({ ok: false, error: { code: 'version_unavailable', message: expect.stringContaining('keeps no versions') } });
  });

  it('[COLLAB-50] on two nodes sharing a store, a version saved through one is listed and brought back through the other', async () => {
    const { a, b } = await twoCollabNodes('versions');
    const { room: ada } = member(a.url, 'shared', { versionsUrl: versionsUrlOf(a.url) });
    const { room: bob } = member(b.url, 'shared', { versionsUrl: versionsUrlOf(b.url) });
    await Promise.all([ada.synced, bob.synced]);
    set(ada, 'v', 'one');
    expect((await ada.versions!.save('One')).ok).toBe(true);
    set(ada, 'v', 'two');
    await ada.flush();
    await eventually(() => expect(shapes(bob)).toEqual({ v: 'two' }));
    const listed = await bob.versions!.list();
    expect(listed.ok && listed.value.map((v) => v.label)).toContain('One');
    expect((await bob.versions!.restore(1)).ok).toBe(true);
    await eventually(() => expect(shapes(ada)).toEqual({ v: 'one' }));
  });
});
