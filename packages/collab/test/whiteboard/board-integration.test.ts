// Per-user undo over a real Kuiper server (port 0) with real clients in one room: two members edit
// the same shape; each member's undo takes back only its own step (BOARD-6, BOARD-8).
import { describe, expect, it, vi } from 'vitest';
import { createBoard } from '../../src/whiteboard/index.js';
import { member, startCollab } from '../integration/helpers.js';

describe('whiteboard over a real server', () => {
  it('[BOARD-6] [BOARD-8] two members edit one shape; each undo takes back only its own edit, for both of them', async () => {
    const server = await startCollab();
    const ada = member(server.url, 'board-undo', { presence: { name: 'Ada' } }).room;
    const bob = member(server.url, 'board-undo', { presence: { name: 'Bob' } }).room;
    await Promise.all([ada.synced, bob.synced]);
    const adaBoard = createBoard(ada);
    const bobBoard = createBoard(bob);

    const added = adaBoard.add({ kind: 'rect', x: 10, y: 10, w: 80, h: 40 });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    await vi.waitFor(() => expect(bobBoard.shape(id)).toBeDefined());
    expect(bob.canUndo()).toBe(false); // Ada's shape is not Bob's to undo

    // Ada drags it (one gesture, many moves); Bob recolours it meanwhile.
    const end = ada.history.beginGesture();
    for (let i = 1; i <= 10; i++) adaBoard.update(id, { x: 10 + i * 10, y: 10 + i * 5 });
    end();
    bobBoard.update(id, { color: '#2f9e44' });
    const both = { x: 110, y: 60, color: '#2f9e44' };
    await vi.waitFor(() => {
      expect(adaBoard.shape(id)).toMatchObject(both);
      expect(bobBoard.shape(id)).toMatchObject(both);
    });

    // Ada's undo: the whole drag goes, Bob's colour stays — on both screens.
    expect(ada.undo()).toBe(true);
    await vi.waitFor(() => expect(bobBoard.shape(id)).toMatchObject({ x: 10, y: 10, color: '#2f9e44' }));
    expect(adaBoard.shape(id)).toMatchObject({ x: 10, y: 10, color: '#2f9e44' });

    // Bob's undo: his colour goes; Ada's undone drag is not brought back by it.
    expect(bob.undo()).toBe(true);
    expect(bob.canUndo()).toBe(false);
    await vi.waitFor(() => expect(adaBoard.shape(id)).toMatchObject({ x: 10, y: 10, color: '#1e1e1e' }));

    // Ada redoes her drag; the shape she added is still hers to undo, and nobody else's.
    expect(ada.redo()).toBe(true);
    await vi.waitFor(() => expect(bobBoard.shape(id)).toMatchObject({ x: 110, y: 60 }));
    await Promise.all([ada.flush(), bob.flush()]);
    expect(bobBoard.shapes()).toEqual(adaBoard.shapes());
    adaBoard.destroy();
    bobBoard.destroy();
  });
});
