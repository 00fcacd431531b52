// Per-user undo on a shared board (BOARD-6…8): each member undoes only its own steps; a drag is one
// step; undo after another member's edit of the same shape keeps their edit.
import { describe, expect, it } from 'vitest';
import { UndoHistory } from '../../src/core/undo-history.js';
import { boardPair } from './board-pair.js';

describe('per-user undo', () => {
  it('[BOARD-6] remote changes never enter local undo; each local edit is one step; redo re-applies it', async () => {
    const { ada, bob, settle } = await boardPair();
    const added = ada.board.add({ id: 's', kind: 'rect', x: 0, y: 0 });
    expect(added.ok).toBe(true);
    await settle();
    expect(bob.history.canUndo()).toBe(false); // Ada's shape reached Bob: not Bob's to undo
    expect(bob.history.undo()).toBe(false);
    expect(bob.board.shape('s')).toBeDefined();
    const states: boolean[] = [];
    const off = ada.history.subscribe((s) => states.push(s.canRedo));
    ada.board.update('s', { color: '#e03131' });
    ada.board.update('s', { x: 50 });
    expect(ada.history.undo()).toBe(true);
    expect(ada.board.shape('s')).toMatchObject({ x: 0, color: '#e03131' });
    expect(ada.history.canRedo()).toBe(true);
    expect(ada.history.redo()).toBe(true);
    expect(ada.board.shape('s')).toMatchObject({ x: 50, color: '#e03131' });
    off();
    expect(states).toEqual([true, false]);
    await settle();
    expect(bob.board.shape('s')).toMatchObject({ x: 50, color: '#e03131' });
  });

  it('[BOARD-7] a drag (many moves between pointer down and up) is one undo step', async () => {
    const { ada } = await boardPair();
    ada.board.add({ id: 's', kind: 'ellipse', x: 0, y: 0 });
    ada.board.update('s', { color: '#1971c2' });
    const end = ada.board.beginGesture();
    for (let i = 1; i <= 20; i++) ada.board.update('s', { x: i * 3, y: i });
    end();
    end(); // pointer up after pointer cancel: ending twice is harmless
    expect(ada.board.shape('s')).toMatchObject({ x: 60, y: 20 });
    ada.history.undo();
    expect(ada.board.shape('s')).toMatchObject({ x: 0, y: 0, color: '#1971c2' }); // the whole drag, not the colour
    ada.history.undo();
    expect(ada.board.shape('s')!.color).toBe('#1e1e1e');
  });

  it('[BOARD-8] undoing my move restores my previous position; the colour another member set meanwhile stays', async () => {
    const { ada, bob, settle } = await boardPair();
    ada.board.add({ id: 's', kind: 'rect', x: 10, y: 10 });
    await settle();
    const end = ada.board.beginGesture();
    ada.board.update('s', { x: 100, y: 80 });
    end();
    await settle();
    bob.board.update('s', { color: '#2f9e44' });
    await settle();
    ada.history.undo();
    await settle();
    for (const board of [ada.board, bob.board]) expect(board.shape('s')).toMatchObject({ x: 10, y: 10, color: '#2f9e44' });
  });

  it('[BOARD-8] undo never overwrites a field another member changed after me, and never removes their shape', async () => {
    const { ada, bob, settle } = await boardPair();
    bob.board.add({ id: 'bobs', kind: 'text', x: 0, y: 0, text: 'Bob' });
    await settle();
    ada.board.update('bobs', { x: 30 });
    await settle();
    bob.board.update('bobs', { x: 99 });
    await settle();
    // Ada's only step was overwritten by Bob: nothing of hers is left to undo, Bob's shape stays.
    expect(ada.history.undo()).toBe(false);
    await settle();
    expect(ada.board.shape('bobs')).toMatchObject({ x: 99, text: 'Bob' });
    expect(bob.board.shape('bobs')).toMatchObject({ x: 99 });
  });

  it('[BOARD-8] undoing my delete brings the shape back with the edits others made before it; redo deletes it again', async () => {
    const { ada, bob, settle } = await boardPair();
    bob.board.add({ id: 's', kind: 'rect', x: 0, y: 0 });
    await settle();
    ada.board.update('s', { color: '#e03131' });
    ada.board.remove(['s']);
    await settle();
    expect(bob.board.shape('s')).toBeUndefined();
    ada.history.undo();
    await settle();
    expect(bob.board.shape('s')).toMatchObject({ x: 0, color: '#e03131' });
    ada.history.redo();
    await settle();
    expect(bob.board.shapes()).toEqual([]);
  });

  it('[BOARD-6] the history keeps the latest maxSteps steps: the oldest are forgotten, not the newest', async () => {
    const { ada } = await boardPair();
    const history = new UndoHistory(ada.member.room.doc, { maxSteps: 3 });
    ada.board.add({ id: 's', kind: 'rect', x: 0, y: 0 });
    for (let x = 1; x <= 5; x++) ada.board.update('s', { x });
    let undone = 0;
    while (history.undo()) undone++;
    expect(undone).toBe(3);
    expect(ada.board.shape('s')!.x).toBe(2); // the moves to 5, 4 and 3 were undone; the rest is kept
    history.destroy();
  });
});
