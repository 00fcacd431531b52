// Documents between members and the room's authority (SPEC: COLLAB-3..6, COLLAB-10..13), over the
// deterministic network so every message takes its wire form.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocumentSync, RoomAuthority, type ServerMessage, type SyncStatus, type SyncStep2 } from '../src/index.js';
import { WHOLE_STATE_CACHE_BYTES } from '../src/core/room-authority.js';
import { content, Network, type Member } from './helpers/network.js';
import { ProbeStore } from './helpers/stores.js';

async function network(store = new ProbeStore()) {
  return { store, net: await new Network({ store }).open() };
}

/** Lets every pending promise callback run (one macrotask turn); time itself does not move. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Ada and Bob, joined and done with their handshake. */
async function pair(net: Network): Promise<[Member, Member]> {
  const members: [Member, Member] = [net.add('ada'), net.add('bob')];
  for (const m of members) net.connect(m);
  await net.settle();
  return members;
}

const storedText = async (store: ProbeStore): Promise<string> => {
  const doc = new Y.Doc();
  const { snapshot, updates } = await store.load('room-1');
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const u of updates) Y.applyUpdate(doc, u.update);
  return doc.getText('t').toString();
};

describe('documents', () => {
  it('[COLLAB-3] a late joiner receives the full state through the state-vector handshake', async () => {
    const { net } = await network();
    const ada = net.add('ada');
    net.connect(ada);
    await net.settle();
    ada.sync.doc.getText('t').insert(0, 'x'.repeat(10_000)); // over the 4 KiB test limit: chunked
    ada.sync.doc.getMap('m').set('k', 1);
    await net.settle();
    const bob = net.add('bob');
    net.connect(bob);
    expect(bob.sync.syncStatus).toBe('synchronizing');
    await net.settle();
    expect(content(bob.sync.doc)).toEqual(content(ada.sync.doc));
    expect(bob.sync.syncStatus).toBe('synchronized');
    expect(bob.sync.connectionId).toBe('bob#1');
    expect(bob.sent.size).toBe(0); // it had nothing the server lacked
    await bob.room.synced;
  });

  it('[COLLAB-5] a local edit an observer makes while the server\'s update is applied is still sent (sync step 2 and room updates)', async () => {
    const { net, store } = await network();
    const ada = net.add('ada');
    net.connect(ada);
    await net.settle();
    ada.sync.doc.getText('t').insert(0, 'x'.repeat(10_000) + 'hello'); // sync step 2 comes chunked
    await net.settle();
    const bob = net.add('bob');
    const text = bob.sync.doc.getText('t');
    // Bob's app reacts to the server's changes with edits of its own: an insert, and a delete alone.
    text.observe((event) => {
      if (event.transaction.local) return;
      if (text.toString().endsWith('hello')) text.insert(text.length, '!');
      else if (text.toString().endsWith('world')) text.delete(0, 1);
    });
    net.connect(bob);
    await net.settle();
    expect(ada.sync.doc.getText('t').toString()).toBe(`${'x'.repeat(10_000)}hello!`);
    ada.sync.doc.getText('t').insert(ada.sync.doc.getText('t').length, ' world');
    await net.settle();
    expect(ada.sync.doc.getText('t').toString()).toBe(`${'x'.repeat(9_999)}hello! world`);
    expect(content(bob.sync.doc)).toEqual(content(ada.sync.doc));
    expect(await storedText(store)).toBe(ada.sync.doc.getText('t').toString());
    expect(bob.sync.syncStatus).toBe('synchronized');
    expect(bob.errors).toEqual([]);
  });

  it('[COLLAB-3] synced resolves once the first handshake has brought the server state', async () => {
    const { net } = await network();
    const ada = net.add('ada');
    let synced = false;
    void ada.room.synced.then(() => (synced = true));
    net.connect(ada);
    await net.step(0); // sync-1 reaches the server
    await Promise.resolve();
    expect(synced).toBe(false);
    await net.settle();
    expect(synced).toBe(true);
  });

  it('[COLLAB-2] the host answers an unreadable message with an error to its sender only', async () => {
    const { net } = await network();
    const [ada, bob] = await pair(net);
    await net.host.receive(ada.connection!, { v: 1, type: 'update', id: 'u9', update: '!!' });
    await net.host.receive(ada.connection!, 'not an object');
    await net.host.receive('stranger', { v: 1, type: 'sync-1', stateVector: 'AA==' });
    await net.settle();
    expect(ada.errors.map((e) => e.code)).toEqual(['update_invalid', 'message_invalid']);
    expect(bob.errors).toEqual([]);
  });

  it('[COLLAB-4] an update is sent to every member with its origin, stored, then acknowledged to its sender', async () => {
    const { net, store } = await network();
    const [ada, bob] = await pair(net);
    ada.sync.doc.getText('t').insert(0, 'hello');
    expect(ada.sync.pendingIds()).toEqual(['ada-1']);
    await net.settle();
    expect(ada.acked).toEqual(['ada-1']);
    expect(ada.sync.pendingIds()).toEqual([]);
    expect(bob.sync.doc.getText('t').toString()).toBe('hello');
    expect(await storedText(store)).toBe('hello');
    expect(store.calls.filter((c) => c === 'append')).toHaveLength(1);
  });

  it('[COLLAB-19] updates arriving while the store is busy are stored by one append, each sender acked once', async () => {
    const { net, store } = await network();
    const [ada, bob] = await pair(net);
    const open = store.hold();
    ada.sync.doc.getText('t').insert(0, 'a');
    const first = net.step(0);
    // The first update's batch closes at the end of its turn (COLLAB-19); a turn later its append
    // has started and waits on the disk.
    await nextTurn();
    await nextTurn();
    expect(store.calls.at(-1)).toBe('append');
    ada.sync.doc.getText('t').insert(1, 'b');
    bob.sync.doc.getMap('m').set('k', 1);
    // Both reach the server in one turn (the first update's relay is on the down links meanwhile,
    // COLLAB-4) and wait behind the busy store.
    const up = (): number => net.busy().findIndex(([, direction]) => direction === 'up');
    const rest = Promise.all([net.step(up()), net.step(up())]);
    open();
    await Promise.all([first, rest]);
    await net.settle();
    expect(store.calls.filter((c) => c === 'append')).toHaveLength(2);
    expect((await store.load('room-1')).updates).toHaveLength(2);
    expect(ada.acked).toEqual(['ada-1', 'ada-2']);
    expect(bob.acked).toEqual(['bob-1']);
    expect(content(ada.sync.doc)).toEqual(content(bob.sync.doc));
    expect(content(bob.sync.doc)).toEqual({ text: 'ab', map: { k: 1 } });
  });

  it('[COLLAB-5] remote updates are applied with the sync as origin and never sent back', async () => {
    const { net } = await network();
    const [ada, bob] = await pair(net);
    const origins: unknown[] = [];
    bob.sync.doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    // Its own updates coming back on the room channel are recognised by origin and not even applied.
    let adaRemoteTransactions = 0;
    ada.sync.doc.on('afterTransaction', (t: Y.Transaction) => void (t.origin === ada.sync && adaRemoteTransactions++));
    for (let i = 0; i < 5; i++) ada.sync.doc.getText('t').insert(0, `${i}`);
    await net.settle();
    expect(origins).toEqual([bob.sync, bob.sync, bob.sync, bob.sync, bob.sync]);
    expect(bob.sent.size).toBe(0);
    expect(ada.sent.size).toBe(5); // its own room-updates came back and were not re-sent
    expect(adaRemoteTransactions).toBe(0);
    expect(bob.sync.doc.getText('t').toString()).toBe('43210');
  });

  it('[COLLAB-6] flush() resolves once every edit so far is acknowledged; syncStatus follows, with a subscribe', async () => {
    const { net } = await network();
    const ada = net.add('ada');
    const seen: SyncStatus[] = [];
    ada.sync.subscribe((s) => seen.push(s));
    await expect(ada.sync.flush()).resolves.toBeUndefined(); // nothing to wait for
    net.connect(ada);
    await net.settle();
    ada.sync.doc.getText('t').insert(0, 'a');
    let flushed = false;
    const flush = ada.sync.flush().then(() => (flushed = true));
    ada.sync.doc.getText('t').insert(0, 'b'); // after the flush call: not waited for
    expect(ada.sync.syncStatus).toBe('synchronizing');
    await net.step(0); // ada's first update reaches the server, which stores and acks it
    await Promise.resolve();
    expect(flushed).toBe(false); // the ack is still in flight
    await net.settle();
    await flush;
    expect(flushed).toBe(true);
    expect(ada.sync.syncStatus).toBe('synchronized');
    expect(seen).toEqual(['synchronized', 'synchronizing', 'synchronized']);
  });

  it('[COLLAB-10] edits made offline and updates lost in flight are sent at the next handshake', async () => {
    const { net, store } = await network();
    const [ada, bob] = await pair(net);
    ada.sync.doc.getText('t').insert(0, 'lost ');
    const flush = ada.sync.flush();
    net.disconnect(ada); // the update was still queued: it is gone
    ada.sync.doc.getText('t').insert(5, 'offline ');
    bob.sync.doc.getText('t').insert(0, 'online ');
    await net.settle();
    expect(await storedText(store)).toBe('online ');
    net.connect(ada);
    await net.settle();
    await flush;
    expect(content(ada.sync.doc)).toEqual(content(bob.sync.doc));
    expect(content(ada.sync.doc)).toEqual(content(net.authority.doc));
    expect(ada.sync.doc.getText('t').toString()).toContain('lost offline');
    expect(ada.sync.syncStatus).toBe('synchronized');
  });

  it('[COLLAB-10] a document with content before its first connection sends it on the handshake', async () => {
    const { net } = await network();
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'restored');
    const ada = net.add('ada', { doc });
    net.connect(ada);
    await net.settle();
    expect(net.authority.doc.getText('t').toString()).toBe('restored');
  });

  it('[COLLAB-11] a read-only member’s update is refused with an error and reaches nobody', async () => {
    const { net, store } = await network();
    const [ada, reader] = [net.add('ada'), net.add('reader', { canWrite: false })];
    net.connect(ada);
    net.connect(reader);
    await net.settle();
    ada.sync.doc.getText('t').insert(0, 'shared');
    await net.settle();
    expect(reader.sync.doc.getText('t').toString()).toBe('shared'); // reading works
    reader.sync.doc.getText('t').insert(0, 'vandal ');
    const flush = reader.sync.flush();
    await net.settle();
    await expect(flush).rejects.toMatchObject({ code: 'read_only' });
    expect(reader.errors.map((e) => e.code)).toEqual(['read_only']);
    expect(net.authority.doc.getText('t').toString()).toBe('shared');
    expect(ada.sync.doc.getText('t').toString()).toBe('shared');
    expect(await storedText(store)).toBe('shared');
  });

  it('[COLLAB-12] a malformed update is refused to its sender and leaves the document untouched for everyone', async () => {
    const { net, store } = await network();
    const [ada, bob] = [net.add('ada'), net.add('bob')];
    net.connect(ada);
    net.connect(bob);
    ada.sync.doc.getText('t').insert(0, 'intact');
    await net.settle();
    const donor = new Y.Doc();
    donor.getText('t').insert(0, 'some longer text to cut in half');
    const full = Y.encodeStateAsUpdate(donor);
    const before = Y.encodeStateAsUpdate(net.authority.doc);
    const appends = store.calls.length;
    for (const update of [full.slice(0, full.length - 9), new Uint8Array([200, 1, 2, 3])]) {
      await net.authority.handle(ada.connection!, { type: 'update', id: 'bad', update });
    }
    expect(Y.encodeStateAsUpdate(net.authority.doc)).toEqual(before);
    expect(store.calls.length).toBe(appends);
    await net.settle();
    expect(ada.errors.map((e) => e.code)).toEqual(['update_invalid', 'update_invalid']);
    expect(bob.errors).toEqual([]);
    expect(bob.sync.doc.getText('t').toString()).toBe('intact');
    // A member given a malformed update gets an error value and its document stays as it was.
    const sync = new DocumentSync({ send: () => undefined });
    expect(sync.receive({ type: 'room-update', update: full.slice(0, 5), origin: 'x' })).toMatchObject({ code: 'update_invalid' });
    expect(sync.receive({ type: 'sync-2', update: full, stateVector: new Uint8Array([9, 9]), connection: 'c' })).toMatchObject({ code: 'update_invalid' });
    expect(sync.doc.getText('t').toString()).toBe('');
    // Sync step 2's update is applied without a validating decode: what Yjs cannot read is still an error value.
    const emptyVector = Y.encodeStateVector(new Y.Doc());
    expect(sync.receive({ type: 'sync-2', update: new Uint8Array([200, 1, 2, 3]), stateVector: emptyVector, connection: 'c' })).toMatchObject({ code: 'update_invalid' });
    expect(sync.connectionId).toBeUndefined();
    // A message from a connection that never joined is refused too.
    await net.authority.handle('stranger', { type: 'update', id: 'x', update: full });
    expect(net.authority.doc.getText('t').toString()).toBe('intact');
  });

  it('[COLLAB-13] an update the store cannot take is refused to its sender and never acknowledged; the next snapshot stores it', async () => {
    const { net, store } = await network();
    const [ada, bob] = await pair(net);
    store.failAppend = true;
    ada.sync.doc.getText('t').insert(0, 'unsaved');
    const flush = ada.sync.flush();
    await net.settle();
    await expect(flush).rejects.toMatchObject({ code: 'store_failed' });
    expect(ada.acked).toEqual([]);
    // Relayed and applied before the append was tried (COLLAB-4): the members and the room hold it.
    expect(bob.sync.doc.getText('t').toString()).toBe('unsaved');
    expect(net.authority.doc.getText('t').toString()).toBe('unsaved');
    expect(await storedText(store)).toBe('');
    store.failAppend = false;
    await net.authority.compact(); // what the debounced snapshot does: the log lacked it, the snapshot has it
    expect(await storedText(store)).toBe('unsaved');
  });

  it('[COLLAB-4] a member sees a relayed update while its append is still pending; the ack waits for the store', async () => {
    const { net, store } = await network();
    const [ada, bob] = await pair(net);
    const open = store.hold();
    ada.sync.doc.getText('t').insert(0, 'early');
    const flush = ada.sync.flush();
    let flushed = false;
    void flush.then(() => (flushed = true));
    const stored = net.step(0); // ada's update reaches the server; its append waits on the disk
    while (bob.toMember.length === 0) await nextTurn();
    expect(store.calls.at(-1)).toBe('append');
    await net.settle(); // everything in flight delivered: the relay, not the ack
    expect(bob.sync.doc.getText('t').toString()).toBe('early');
    expect(ada.acked).toEqual([]);
    expect(ada.sync.pendingIds()).toEqual(['ada-1']);
    expect(flushed).toBe(false);
    expect(await storedText(store)).toBe('');
    open();
    await stored;
    await net.settle();
    await flush;
    expect(ada.acked).toEqual(['ada-1']);
    expect(await storedText(store)).toBe('early');
  });

  it('[COLLAB-3] [COLLAB-14] sync step 2 to late joiners and the snapshot share one encoding of the whole document', async () => {
    const written: Uint8Array[] = [];
    const store = new (class extends ProbeStore {
      override writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
        written.push(snapshot); // the array the authority hands over (the store keeps a copy)
        return super.writeSnapshot(room, snapshot, upToSeq);
      }
    })();
    const sent: ServerMessage[] = [];
    const loaded = await RoomAuthority.load({ room: 'room-1', store, sendTo: (_to, m) => sent.push(m), broadcast: () => undefined });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const authority = loaded.value;
    const source = new Y.Doc();
    const text = 'shared '.repeat(WHOLE_STATE_CACHE_BYTES / 4); // worth keeping: a small one is encoded again
    source.getText('t').insert(0, text);
    for (const who of ['ada', 'bob', 'cy']) authority.join(who, { canWrite: true });
    await authority.handle('ada', { type: 'update', id: 'u1', update: Y.encodeStateAsUpdate(source) });
    const empty = Y.encodeStateVector(new Y.Doc());
    await authority.handle('bob', { type: 'sync-1', stateVector: empty });
    await authority.handle('cy', { type: 'sync-1', stateVector: empty });
    await authority.compact();
    const [toBob, toCy] = sent.filter((m): m is SyncStep2 => m.type === 'sync-2');
    const { snapshot } = await store.load('room-1');
    // One array, encoded once: the document did not change between the joins and the snapshot.
    expect(toCy?.update).toBe(toBob?.update);
    expect(written).toHaveLength(1);
    expect(written[0]).toBe(toBob?.update);
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, snapshot!);
    expect(reloaded.getText('t').toString()).toBe(text);
  });

  it('[COLLAB-30] two authorities for a moment (a node back from a pause longer than its lease): a snapshot never drops an update its copy did not apply', async () => {
    const store = new ProbeStore();
    const errors: string[] = [];
    const open = async (): Promise<RoomAuthority> => {
      const loaded = await RoomAuthority.load({ room: 'room-1', store, sendTo: () => undefined, broadcast: () => undefined, onError: (e) => errors.push(e.code) });
      if (!loaded.ok) throw new Error(loaded.error.message);
      loaded.value.join('m', { canWrite: true });
      return loaded.value;
    };
    const edit = (text: string): Uint8Array => {
      const doc = new Y.Doc();
      doc.getText(text).insert(0, text);
      return Y.encodeStateAsUpdate(doc);
    };
    const [stale, current] = [await open(), await open()];
    await current.handle('m', { type: 'update', id: 'c1', update: edit('current') }); // seq 1
    await stale.handle('m', { type: 'update', id: 's1', update: edit('stale') }); // seq 2: 1 is not in its copy
    expect(errors).toEqual(['authority_conflict']);
    // Its snapshot drops no update it lacks: a new load has both.
    await stale.compact();
    const texts = (a: RoomAuthority): string[] => [a.doc.getText('current').toString(), a.doc.getText('stale').toString()];
    expect(texts(await open())).toEqual(['current', 'stale']);
    // And its copy read what the other node stored: what it gives late joiners, and snapshots, are whole.
    await stale.idle();
    expect(texts(stale)).toEqual(['current', 'stale']);
    await stale.handle('m', { type: 'update', id: 's2', update: edit('later') }); // seq 3: nothing missing now
    await stale.compact();
    expect(errors).toEqual(['authority_conflict']);
    expect((await store.load('room-1')).updates).toEqual([]);
  });

  it('[COLLAB-13] a failed or corrupt load is an error and never writes to the store', async () => {
    const store = new ProbeStore();
    await store.appendUpdate('room-1', Y.encodeStateAsUpdate((() => {
      const d = new Y.Doc();
      d.getText('t').insert(0, 'precious');
      return d;
    })()));
    store.calls.length = 0;
    store.failLoad = true;
    const options = { room: 'room-1', store, sendTo: () => undefined, broadcast: () => undefined };
    const failed = await RoomAuthority.load(options);
    expect(failed).toMatchObject({ ok: false, error: { code: 'load_failed' } });
    expect(store.calls).toEqual(['load']);
    store.failLoad = false;
    expect(await storedText(store)).toBe('precious');
    await store.appendUpdate('room-1', new Uint8Array([1, 2, 3]));
    store.calls.length = 0;
    expect(await RoomAuthority.load(options)).toMatchObject({ ok: false, error: { code: 'load_failed' } });
    expect(store.calls).toEqual(['load']);
  });
});
