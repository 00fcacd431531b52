// The whiteboard model over a room: shapes in the document, checked as they are read; presence
// conventions; stable snapshots for UIs (BOARD-1…5).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Board, BOARD_MAP, readPeer, SHAPE_LIMITS, thinPoints } from '../../src/whiteboard/index.js';
import { boardPair } from './board-pair.js';

describe('whiteboard model', () => {
  it('[BOARD-1] a shape added on one board is a Y.Map keyed by its id in the document and appears on the other board', async () => {
    const { ada, bob, settle } = await boardPair();
    const added = ada.board.add({ kind: 'rect', x: 10, y: 20, w: 100, h: 50, color: '#e03131' });
    if (!added.ok) throw new Error(added.error.message);
    const stored = ada.member.room.doc.getMap(BOARD_MAP).get(added.value.id);
    expect(stored).toBeInstanceOf(Y.Map);
    expect((stored as Y.Map<unknown>).get('x')).toBe(10);
    await settle();
    expect(bob.board.shapes()).toEqual([added.value]);
    expect(bob.board.shape(added.value.id)).toMatchObject({ kind: 'rect', x: 10, y: 20, w: 100, h: 50, color: '#e03131', width: 2, fill: null });
  });

  it('[BOARD-1] shapes() is the same array until something changes, and a new one after', async () => {
    const { ada } = await boardPair();
    ada.board.add({ kind: 'ellipse', x: 0, y: 0, w: 5, h: 5 });
    const first = ada.board.shapes();
    expect(ada.board.shapes()).toBe(first);
    const seen: number[] = [];
    const off = ada.board.subscribe((shapes) => seen.push(shapes.length));
    const id = first[0]!.id;
    ada.board.update(id, { x: 3 });
    expect(ada.board.shapes()).not.toBe(first);
    expect(ada.board.shape(id)!.x).toBe(3);
    const second = ada.board.shapes();
    ada.board.update(id, { x: 3 }); // the same value is not written: nothing changes
    expect(ada.board.shapes()).toBe(second);
    off();
    expect(seen).toEqual([1]);
  });

  it('[BOARD-2] a malformed shape from a bad peer is skipped, the valid ones still show, nothing throws', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ kind: 'text', x: 1, y: 1, text: 'hello' });
    const map = ada.member.room.doc.getMap<unknown>(BOARD_MAP);
    ada.member.room.doc.transact(() => {
      map.set('not-a-map', 42);
      const bad = new Y.Map<unknown>();
      bad.set('kind', 'rect');
      bad.set('x', 'far away');
      bad.set('y', 0);
      map.set('bad-x', bad);
      const unknownKind = new Y.Map<unknown>();
      unknownKind.set('kind', 'hexagon');
      unknownKind.set('x', 0);
      unknownKind.set('y', 0);
      map.set('bad-kind', unknownKind);
      const badColor = new Y.Map<unknown>();
      for (const [k, v] of Object.entries({ kind: 'rect', x: 0, y: 0, color: 'red" onload="x' })) badColor.set(k, v);
      map.set('bad-color', badColor);
    });
    await settle();
    expect(bob.board.shapes().map((s) => s.kind)).toEqual(['text']);
    // A later fix by the peer makes the shape valid, and it appears.
    ada.member.room.doc.transact(() => (map.get('bad-x') as Y.Map<unknown>).set('x', 7));
    await settle();
    expect(bob.board.shape('bad-x')).toMatchObject({ kind: 'rect', x: 7 });
  });

  it('[BOARD-2] bad input to add or update is a shape_invalid error value and writes nothing', async () => {
    const { ada } = await boardPair();
    const before = Y.encodeStateVector(ada.member.room.doc);
    const bad = [
      ada.board.add({ kind: 'star' as never, x: 0, y: 0 }),
      ada.board.add({ kind: 'rect', x: Number.NaN, y: 0 }),
      ada.board.add({ kind: 'pen', x: 0, y: 0, points: [1, 2] }),
      ada.board.add({ kind: 'rect', x: 0, y: 0, width: 500 }),
      ada.board.update('nope', { x: 1 }),
    ];
    for (const result of bad) expect(result.ok ? 'ok' : result.error.code).toBe('shape_invalid');
    const ok = ada.board.add({ kind: 'rect', x: 0, y: 0 });
    if (!ok.ok) throw new Error(ok.error.message);
    const patch = ada.board.update(ok.value.id, { kind: 'ellipse' } as never);
    expect(patch.ok ? 'ok' : patch.error.message).toMatch(/never change/);
    expect(ada.board.add({ kind: 'rect', x: 0, y: 0, id: ok.value.id }).ok).toBe(false);
    expect(Y.encodeStateVector(ada.member.room.doc)).not.toEqual(before); // only the valid add wrote
    expect(ada.board.shapes()).toHaveLength(1);
  });

  it('[BOARD-3] shapes are ordered back to front by z; bringToFront moves them above all others, in their order', async () => {
    const { ada, bob, settle } = await boardPair();
    const ids = ['a', 'b', 'c'].map((id, i) => {
      const r = ada.board.add({ id, kind: 'rect', x: i, y: 0 });
      return r.ok ? r.value.id : '';
    });
    expect(ada.board.shapes().map((s) => s.id)).toEqual(ids);
    ada.board.bringToFront(['b', 'a']);
    expect(ada.board.shapes().map((s) => s.id)).toEqual(['c', 'a', 'b']);
    await settle();
    expect(bob.board.shapes().map((s) => s.id)).toEqual(['c', 'a', 'b']);
    // Two members adding at once pick the same z: every member breaks the tie by id.
    ada.board.add({ id: 'y', kind: 'rect', x: 0, y: 0 });
    bob.board.add({ id: 'x', kind: 'rect', x: 0, y: 0 });
    await settle();
    expect(ada.board.shapes().map((s) => s.id)).toEqual(['c', 'a', 'b', 'x', 'y']);
    expect(bob.board.shapes()).toEqual(ada.board.shapes());
  });

  it('[BOARD-4] cursors, selections and live strokes travel in presence; a malformed field reads as nothing', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.setPresence({ name: 'Ada', color: '#1971c2', cursor: { x: 5, y: 6 }, selection: ['s1'], stroke: { points: [0, 0, 0.5, 1, 1, 0.5], color: '#000000', width: 3 } });
    await settle();
    const [peer] = bob.board.peers();
    expect(peer).toMatchObject({ name: 'Ada', color: '#1971c2', cursor: { x: 5, y: 6 }, selection: ['s1'], stroke: { points: [0, 0, 0.5, 1, 1, 0.5], color: '#000000', width: 3 } });
    expect(bob.board.peers()).toBe(bob.board.peers());
    const odd = readPeer('c1', { name: 7, color: 'url(javascript:x)', cursor: { x: 'a', y: 1 }, selection: 'all', stroke: { points: [1, 2], color: '#000', width: 2 } });
    expect(odd).toMatchObject({ name: 'Anonymous', cursor: null, selection: [], stroke: null });
    expect(odd.color).toMatch(/^#[0-9a-f]{6}$/);
    ada.board.setPresence({ cursor: null, stroke: null });
    await settle();
    expect(bob.board.peers()[0]).toMatchObject({ name: 'Ada', cursor: null, stroke: null, selection: ['s1'] });
  });

  it('[BOARD-5] transact makes several edits one update on the wire and one undo step; remove deletes for everyone', async () => {
    const { ada, bob, settle } = await boardPair();
    const sentBefore = ada.member.sent.size;
    ada.board.transact(() => {
      ada.board.add({ id: 'r1', kind: 'rect', x: 0, y: 0 });
      expect(ada.board.add({ id: 'r2', kind: 'rect', x: 5, y: 0 })).toMatchObject({ ok: true, value: { id: 'r2', x: 5 } });
      // Inside the transaction the new shape can be edited at once, and the result says how it is now.
      expect(ada.board.update('r1', { color: '#2f9e44' })).toMatchObject({ ok: true, value: { id: 'r1', color: '#2f9e44' } });
    });
    expect(ada.board.update('r2', { x: 6 })).toEqual({ ok: true, value: ada.board.shape('r2') });
    expect(ada.member.sent.size - sentBefore).toBe(2); // the transaction, then the move of r2
    await settle();
    expect(bob.board.shapes().map((s) => s.id)).toEqual(['r1', 'r2']);
    expect(bob.board.remove(['r1', 'unknown'])).toBe(1);
    await settle();
    expect(ada.board.shapes().map((s) => s.id)).toEqual(['r2']);
    ada.history.undo(); // the move of r2
    expect(ada.board.shape('r2')!.x).toBe(5);
    ada.history.undo(); // one step takes back the whole transaction (r1 is already gone: r2 goes)
    expect(ada.board.shapes()).toEqual([]);
    // A board made on a document that already holds shapes shows them at once.
    ada.history.redo();
    const again = new Board({ doc: ada.member.room.doc, presence: ada.member.presence });
    expect(again.shapes()).toEqual(ada.board.shapes());
    again.destroy();
  });

  it('[BOARD-2] a stroke longer than a shape may hold is thinned to fit, keeping its ends, and is added', async () => {
    const { ada } = await boardPair();
    const long = Array.from({ length: 3 * 12_000 }, (_, i) => (i % 3 === 2 ? 0.5 : Math.floor(i / 3)));
    expect(ada.board.add({ kind: 'pen', x: 0, y: 0, points: long }).ok).toBe(false);
    const thin = thinPoints(long);
    expect(thin.length).toBe(SHAPE_LIMITS.points);
    expect(thin.slice(0, 3)).toEqual([0, 0, 0.5]);
    expect(thin.slice(-3)).toEqual([11_999, 11_999, 0.5]);
    expect(ada.board.add({ kind: 'pen', x: 0, y: 0, points: thin }).ok).toBe(true);
    expect(thinPoints([1, 2, 0.5, 3, 4])).toEqual([1, 2, 0.5]); // a partial triple is dropped
  });
});
