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

describe('[BOARD-21] editing and deleting comments', () => {
  const ada = { name: 'Ada', id: 'u-ada' };

  it('an author edits her message and the others read the new text marked edited; she deletes a reply, then the thread with its last message', async () => {
    const pair = await boardPair();
    const started = pair.ada.board.comments.start({ x: 10, y: 20 }, 'Blue?', ada);
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.id;
    const first = started.value.messages[0]!;
    expect(first.editedAt).toBeUndefined();
    await pair.settle();
    pair.ada.board.comments.reply(id, 'Or green', ada);
    await pair.settle();
    expect(pair.bob.board.comments.reply(id, 'Blue', { name: 'Bob' }).ok).toBe(true);
    await pair.settle();

    const edited = pair.ada.board.comments.edit(id, first.id, '  Brand blue?  ', ada);
    expect(edited.ok).toBe(true);
    await pair.settle();
    const seen = pair.bob.board.comments.thread(id)!;
    expect(seen.messages.map((m) => m.text)).toEqual(['Brand blue?', 'Or green', 'Blue']);
    expect(seen.messages[0]!.editedAt).toEqual(expect.any(Number));
    expect(seen.messages[0]!.at).toBe(first.at); // still in its place, at its time

    const reply = seen.messages[1]!;
    expect(pair.ada.board.comments.delete(id, reply.id, ada)).toMatchObject({ ok: true, value: { messages: [{ text: 'Brand blue?' }, { text: 'Blue' }] } });
    await pair.settle();
    expect(pair.bob.board.comments.thread(id)!.messages.map((m) => m.text)).toEqual(['Brand blue?', 'Blue']);
    // Bob deletes his; Ada deletes hers, the last: the thread and its pin go for everyone.
    expect(pair.bob.board.comments.delete(id, seen.messages[2]!.id, { name: 'Bob' }).ok).toBe(true);
    await pair.settle();
    expect(pair.ada.board.comments.delete(id, first.id, ada)).toEqual({ ok: true, value: undefined });
    await pair.settle();
    expect(pair.bob.board.comments.threads()).toEqual([]);
    expect(pair.ada.board.comments.threads()).toEqual([]);
  });

  it('only a message\'s author edits or deletes it, only the thread\'s starter deletes the thread; refusals write nothing', async () => {
    const pair = await boardPair();
    const started = pair.ada.board.comments.start({ x: 0, y: 0 }, 'Mine', ada);
    if (!started.ok) throw new Error(started.error.message);
    const { id } = started.value;
    const mine = started.value.messages[0]!.id;
    await pair.settle();
    const bob = pair.bob.board.comments;
    expect(bob.edit(id, mine, 'Hijacked', { name: 'Bob' })).toMatchObject({ ok: false, error: { code: 'comment_invalid', message: 'only its author may edit a message' } });
    expect(bob.delete(id, mine, { name: 'Bob' })).toMatchObject({ ok: false, error: { code: 'comment_invalid' } });
    // A name match is not enough when both sides carry an app user id.
    expect(bob.edit(id, mine, 'Hijacked', { name: 'Ada', id: 'u-impostor' }).ok).toBe(false);
    expect(bob.deleteThread(id, { name: 'Bob' })).toMatchObject({ ok: false, error: { message: 'only who started a thread may delete it' } });
    expect(bob.edit(id, 'no-such-message', 'x', ada).ok).toBe(false);
    expect(bob.edit(id, mine, '   ', ada).ok).toBe(false); // blank text
    expect(bob.deleteThread('no-such-thread', ada).ok).toBe(false);
    await pair.settle();
    expect(pair.ada.board.comments.thread(id)!.messages).toEqual(started.value.messages);

    const reply = bob.reply(id, 'A reply', { name: 'Bob' });
    await pair.settle();
    expect(reply.ok && reply.value.messages).toHaveLength(2);
    expect(pair.ada.board.comments.deleteThread(id, ada)).toEqual({ ok: true, value: undefined }); // replies and all
    await pair.settle();
    expect(bob.threads()).toEqual([]);
  });

  it('the same message edited in two tabs at once ends with one text for everyone, not two copies', async () => {
    const pair = await boardPair();
    const started = pair.ada.board.comments.start({ x: 0, y: 0 }, 'Draft', ada);
    if (!started.ok) throw new Error(started.error.message);
    await pair.settle();
    const [threadId, messageId] = [started.value.id, started.value.messages[0]!.id];
    // Ada in two tabs (the same author), both editing before either hears the other.
    expect(pair.ada.board.comments.edit(threadId, messageId, 'From tab one', ada).ok).toBe(true);
    expect(pair.bob.board.comments.edit(threadId, messageId, 'From tab two', ada).ok).toBe(true);
    await pair.settle();
    const one = pair.ada.board.comments.thread(threadId)!.messages;
    const two = pair.bob.board.comments.thread(threadId)!.messages;
    expect(one).toHaveLength(1);
    expect(one).toEqual(two);
    expect(['From tab one', 'From tab two']).toContain(one[0]!.text);
  });

  it('a malformed edit from a peer is skipped: the message keeps its text', async () => {
    const pair = await boardPair();
    const started = pair.ada.board.comments.start({ x: 0, y: 0 }, 'Kept', ada);
    if (!started.ok) throw new Error(started.error.message);
    const root = pair.ada.member.room.doc.getMap<unknown>(COMMENTS_MAP);
    const thread = root.get(started.value.id) as Y.Map<unknown>;
    pair.ada.member.room.doc.transact(() => thread.set(`edit:${started.value.messages[0]!.id}`, { text: 42, at: 'now' }));
    await pair.settle();
    expect(pair.bob.board.comments.thread(started.value.id)!.messages).toEqual(started.value.messages); // 'Kept', not marked edited
  });
});
