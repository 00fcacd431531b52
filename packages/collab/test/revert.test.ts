// [COLLAB-50] revertUpdate on the real Yjs: seeded histories of two replicas editing maps, nested
// maps, arrays and text concurrently; a version taken at a random point is brought back on one of
// them, and both replicas then read exactly what the version held.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { seeded } from '@kuiper/testkit';
import { revertUpdate } from '../src/core/revert.js';
import { UndoHistory } from '../src/core/undo-history.js';

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

/** One random edit of the kinds a board, a note and a list make. */
function edit(doc: Y.Doc, next: () => number): void {
  const shapes = doc.getMap<Y.Map<unknown>>('shapes');
  const order = doc.getArray<string>('order');
  const title = doc.getText('title');
  const keys = [...shapes.keys()];
  doc.transact(() => {
    switch (Math.floor(next() * 7)) {
      case 0: {
        const id = `s${Math.floor(next() * 1e6)}`;
        const shape = new Y.Map<unknown>();
        shape.set('x', Math.floor(next() * 100));
        shape.set('note', new Y.Text('hello'));
        shapes.set(id, shape);
        order.push([id]);
        break;
      }
      case 1:
        if (keys.length > 0) shapes.delete(pick(next, keys));
        break;
      case 2:
        if (keys.length > 0) shapes.get(pick(next, keys))?.set('x', Math.floor(next() * 100));
        break;
      case 3: {
        const note = keys.length > 0 ? shapes.get(pick(next, keys))?.get('note') : undefined;
        if (note instanceof Y.Text) note.insert(Math.floor(next() * (note.length + 1)), pick(next, ['a', 'bc', '!']));
        break;
      }
      case 4:
        if (order.length > 0) order.delete(Math.floor(next() * order.length), 1);
        break;
      case 5:
        title.insert(Math.floor(next() * (title.length + 1)), pick(next, ['x', 'yz', ' ']));
        break;
      default:
        if (title.length > 0) title.delete(Math.floor(next() * title.length), 1);
    }
  });
}

/** What the replica shows, whichever of its types it has touched. */
const content = (doc: Y.Doc): unknown => ({ shapes: doc.getMap('shapes').toJSON(), order: doc.getArray('order').toJSON(), title: doc.getText('title').toString() });

const sync = (from: Y.Doc, to: Y.Doc): void => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

describe('[COLLAB-50] revertUpdate', () => {
  it('[COLLAB-50] seeded: after any concurrent history, the revert brings both replicas back to the version exactly', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const next = seeded(seed);
      const a = new Y.Doc();
      const b = new Y.Doc();
      const steps = 10 + Math.floor(next() * 40);
      const at = Math.floor(next() * steps);
      let version: Uint8Array | undefined;
      let expected: unknown;
      for (let step = 0; step < steps; step++) {
        edit(next() < 0.5 ? a : b, next);
        if (next() < 0.4) sync(a, b);
        if (next() < 0.4) sync(b, a);
        if (step === at) {
          sync(b, a); // a version is taken of what the server holds: here, all that `a` has
          version = Y.encodeStateAsUpdate(a);
          expected = content(a);
        }
      }
      sync(a, b);
      sync(b, a);
      const revert = revertUpdate(a, version!);
      if (revert) Y.applyUpdate(a, revert);
      sync(a, b);
      expect(content(a), `seed ${seed}`).toEqual(expected);
      expect(content(b), `seed ${seed}`).toEqual(expected);
    }
  });

  it('[COLLAB-50] an edit made concurrently with the revert survives it', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getMap('shapes').set('kept', 1);
    const version = Y.encodeStateAsUpdate(a);
    a.getMap('shapes').set('later', 2);
    sync(a, b);
    const revert = revertUpdate(a, version)!;
    b.getMap('shapes').set('meanwhile', 3); // b has not seen the revert yet
    Y.applyUpdate(a, revert);
    sync(a, b);
    sync(b, a);
    expect(a.getMap('shapes').toJSON()).toEqual({ kept: 1, meanwhile: 3 });
    expect(b.getMap('shapes').toJSON()).toEqual({ kept: 1, meanwhile: 3 });
  });

  it('[COLLAB-50] nothing to revert when the document is the version; the revert is one undo step of the user who applies it', () => {
    const doc = new Y.Doc();
    doc.getText('title').insert(0, 'Plan');
    const version = Y.encodeStateAsUpdate(doc);
    expect(revertUpdate(doc, version)).toBeUndefined();

    const history = new UndoHistory(doc);
    doc.transact(() => doc.getText('title').insert(4, ' B'));
    doc.transact(() => doc.getMap('shapes').set('box', 1));
    expect(doc.toJSON()).toEqual({ title: 'Plan B', shapes: { box: 1 } });
    Y.applyUpdate(doc, revertUpdate(doc, version)!, null); // null: the origin of the user's own edits
    expect(doc.getText('title').toString()).toBe('Plan');
    expect(doc.getMap('shapes').toJSON()).toEqual({});
    expect(history.undo()).toBe(true);
    expect(doc.getText('title').toString()).toBe('Plan B');
    expect(doc.getMap('shapes').toJSON()).toEqual({ box: 1 });
  });

  it('[COLLAB-50] a version the document never had (restored into an emptied room) is brought in whole', () => {
    const old = new Y.Doc();
    old.getMap('shapes').set('a', 'from the version');
    const fresh = new Y.Doc();
    fresh.getMap('shapes').set('b', 'new');
    const revert = revertUpdate(fresh, Y.encodeStateAsUpdate(old))!;
    Y.applyUpdate(fresh, revert);
    expect(fresh.getMap('shapes').toJSON()).toEqual({ a: 'from the version' });
  });

  it('[COLLAB-51] seeded: a revert of some types brings those back to the version exactly, and leaves every other as it is now, on both replicas', () => {
    const parts = [['shapes'], ['title'], ['shapes', 'order'], ['order', 'title']] as const;
    for (let seed = 1; seed <= 150; seed++) {
      const next = seeded(1000 + seed);
      const a = new Y.Doc();
      const b = new Y.Doc();
      const steps = 10 + Math.floor(next() * 40);
      const at = Math.floor(next() * steps);
      let version: Uint8Array | undefined;
      let then: Record<string, unknown> = {};
      for (let step = 0; step < steps; step++) {
        edit(next() < 0.5 ? a : b, next);
        if (next() < 0.4) sync(a, b);
        if (next() < 0.4) sync(b, a);
        if (step === at) {
          sync(b, a);
          version = Y.encodeStateAsUpdate(a);
          then = content(a) as Record<string, unknown>;
        }
      }
      sync(a, b);
      sync(b, a);
      const now = content(a) as Record<string, unknown>;
      const only = pick(next, parts);
      const revert = revertUpdate(a, version!, only);
      if (revert) Y.applyUpdate(a, revert);
      sync(a, b);
      const expected = Object.fromEntries(Object.keys(now).map((key) => [key, (only as readonly string[]).includes(key) ? then[key] : now[key]]));
      expect(content(a), `seed ${seed}, only ${only.join(', ')}`).toEqual(expected);
      expect(content(b), `seed ${seed}, only ${only.join(', ')}`).toEqual(expected);
    }
  });

  it('[COLLAB-51] a type the version did not have yet is emptied when named, and left alone when not', () => {
    const doc = new Y.Doc();
    doc.getText('title').insert(0, 'Plan');
    const version = Y.encodeStateAsUpdate(doc);
    doc.getText('title').insert(4, ' B');
    doc.getXmlFragment('notes').insert(0, [new Y.XmlText('later notes')]);
    const keepNotes = new Y.Doc();
    Y.applyUpdate(keepNotes, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(keepNotes, revertUpdate(doc, version, ['title'])!);
    expect([keepNotes.getText('title').toString(), keepNotes.getXmlFragment('notes').toString()]).toEqual(['Plan', 'later notes']);
    const dropNotes = new Y.Doc();
    Y.applyUpdate(dropNotes, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(dropNotes, revertUpdate(doc, version, ['notes'])!);
    expect([dropNotes.getText('title').toString(), dropNotes.getXmlFragment('notes').toString()]).toEqual(['Plan B', '']);
    expect(revertUpdate(doc, version, ['nothing-here'])).toBeUndefined();
  });
});
