// [BOARD-19] Comment threads in the room's document: a thread one member starts reaches the other
// with its place and message; replies, resolving and reopening travel too; Ctrl+Z never takes a
// comment back; what a bad peer writes is skipped; bad input is an error value.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardToSvg, COMMENTS_MAP, COMMENT_LIMITS, readBoardShapes } from '../../src/whiteboard/index.js';
import { boardPair } from './board-pair.js';

describe('[BOARD-19] board comments', () => {
  it('a thread started by Ada reaches Bob; his reply, her resolve and a reply reopening it reach back; the list is stable between changes', async () => {
    const { ada, bob, settle } = await boardPair();
    const started = ada.board.comments.start({ x: 120, y: 80 }, '  Should this be blue? ', { name: 'Ada', id: 'u-ada' });
    if (!started.ok) throw new Error(started.error.message);
    await settle();
    const seen = bob.board.comments.threads();
    expect(seen).toEqual([started.value]);
    expect(seen[0]).toMatchObject({ x: 120, y: 80, resolved: false, messages: [{ author: { name: 'Ada', id: 'u-ada' }, text: 'Should this be blue?' }] });
    expect(bob.board.comments.threads()).toBe(seen);

    const heard: number[] = [];
    ada.board.comments.subscribe((threads) => heard.push(threads[0]?.messages.length ?? 0));
    expect(bob.board.comments.reply(started.value.id, 'Yes, brand blue', { name: 'Bob' }).ok).toBe(true);
    await settle();
    expect(ada.board.comments.thread(started.value.id)!.messages.map((m) => [m.author.name, m.text])).toEqual([
      ['Ada', 'Should this be blue?'],
      ['Bob', 'Yes, brand blue'],
    ]);
    expect(heard).toEqual([2]);

    ada.board.comments.resolve(started.value.id);
    await settle();
    expect(bob.board.comments.thread(started.value.id)!.resolved).toBe(true);
    bob.board.comments.reply(started.value.id, 'One more thing', { name: 'Bob' });
    await settle();
    expect(ada.board.comments.thread(started.value.id)!.resolved).toBe(false);
  });

  it('are conversation, not drawing: the per-user undo never takes a comment back, and they are no shapes', async () => {
    const { ada } = await boardPair();
    ada.board.add({ id: 'box', kind: 'rect', x: 0, y: 0, w: 10, h: 10 });
    ada.board.comments.start({ x: 5, y: 5 }, 'nice box', { name: 'Ada' });
    expect(ada.history.undo()).toBe(true); // the box
    expect(ada.history.canUndo()).toBe(false);
    expect(ada.board.shapes()).toEqual([]);
    expect(ada.board.comments.threads()).toHaveLength(1);
    // Nor are they shapes: exports and the lobby's pictures are drawn from the shapes alone.
    expect(readBoardShapes(ada.member.room.doc)).toEqual([]);
    expect(boardToSvg(ada.board.shapes())).not.toContain('nice box');
  });

  it('bad input is an error value and writes nothing; a malformed thread or message from a peer is skipped', async () => {
    const { ada, bob, settle } = await boardPair();
    const author = { name: 'Ada' };
    expect(ada.board.comments.start({ x: 0, y: 0 }, '   ', author)).toMatchObject({ ok: false, error: { code: 'comment_invalid' } });
    expect(ada.board.comments.start({ x: 0, y: 0 }, 'x'.repeat(COMMENT_LIMITS.text + 1), author).ok).toBe(false);
    expect(ada.board.comments.start({ x: Number.NaN, y: 0 }, 'hi', author).ok).toBe(false);
    expect(ada.board.comments.start({ x: 0, y: 0 }, 'hi', { name: '' }).ok).toBe(false);
    expect(ada.board.comments.reply('nope', 'hi', author)).toMatchObject({ ok: false, error: { code: 'comment_invalid' } });
    expect(ada.board.comments.threads()).toEqual([]);

    const good = ada.board.comments.start({ x: 1, y: 2 }, 'kept', author);
    const root = ada.member.room.doc.getMap<unknown>(COMMENTS_MAP);
    ada.member.room.doc.transact(() => {
      root.set('not-a-map', 'hello');
      const noPlace = new Y.Map<unknown>();
      noPlace.set('x', 'left');
      root.set('no-place', noPlace);
      const thread = root.get(good.ok ? good.value.id : '') as Y.Map<unknown>;
      (thread.get('messages') as Y.Array<unknown>).push([{ id: 'bad', author: { name: 7 }, text: 'forged', at: 1 }, 42]);
    });
    await settle();
    expect(bob.board.comments.threads().map((t) => [t.x, t.y, t.messages.map((m) => m.text)])).toEqual([[1, 2, ['kept']]]);
  });
});
