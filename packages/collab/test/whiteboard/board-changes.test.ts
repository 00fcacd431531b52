// [BOARD-39] What changed on a board since a version: added, removed and changed shapes by id.
import { describe, expect, it } from 'vitest';
import { boardChanges, describeBoardChanges, readShape, type Shape } from '../../src/whiteboard/index.js';

const shape = (id: string, fields: Record<string, unknown>): Shape => readShape(id, { kind: 'rect', x: 0, y: 0, w: 10, h: 10, ...fields })!;

describe('[BOARD-39] board changes', () => {
  it('[BOARD-39] counts shapes added, removed and changed in any field (a stroke\'s points too), and says so in a sentence', () => {
    const then = [shape('a', {}), shape('b', { color: '#e03131' }), shape('c', {}), shape('p', { kind: 'pen', points: [0, 0, 0.5, 4, 4, 0.5] })];
    const now = [shape('a', {}), shape('b', { color: '#2f9e44' }), shape('d', {}), shape('e', {}), shape('p', { kind: 'pen', points: [0, 0, 0.5, 4, 5, 0.5] })];
    expect(boardChanges(then, now)).toEqual({ added: 2, removed: 1, changed: 2 });
    expect(describeBoardChanges(boardChanges(then, now))).toBe('Since then: 2 shapes added, 1 removed, 2 changed.');
    expect(describeBoardChanges(boardChanges(then, then))).toBe('The board is the same now.');
    expect(describeBoardChanges(boardChanges(then, []))).toBe('Since then: 4 shapes removed.');
    expect(describeBoardChanges(boardChanges([], [shape('x', {})]))).toBe('Since then: 1 shape added.');
    expect(describeBoardChanges({ added: 0, removed: 0, changed: 1 })).toBe('Since then: 1 shape changed.');
  });
});
