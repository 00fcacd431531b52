// [BOARD-18] The resize handle's geometry: the box's top-left corner stays, the bottom-right one
// follows the handle, and every kind of shape is scaled to fit its new box.
import { describe, expect, it } from 'vitest';
import { MIN_RESIZE, readShape, resizePatch, shapeBounds, type Shape } from '../../src/whiteboard/index.js';

const shape = (fields: Record<string, unknown>): Shape => readShape('s', fields)!;
const after = (s: Shape, dx: number, dy: number): Shape => ({ ...s, ...resizePatch(s, dx, dy) });

describe('[BOARD-18] resizePatch', () => {
  it('grows a rectangle, and one drawn leftwards and upwards (negative size) alike, about its top-left corner', () => {
    const rect = shape({ kind: 'rect', x: 10, y: 20, w: 100, h: 50 });
    expect(resizePatch(rect, 50, -10)).toEqual({ x: 10, y: 20, w: 150, h: 40 });
    const backwards = shape({ kind: 'ellipse', x: 110, y: 70, w: -100, h: -50 }); // the same box
    expect(shapeBounds(after(backwards, 50, -10))).toEqual({ x: 10, y: 20, w: 150, h: 40 });
  });

  it('moves a line\'s or arrow\'s end; a horizontal line keeps its height', () => {
    const arrow = shape({ kind: 'arrow', x: 0, y: 0, w: 100, h: 40 });
    expect(resizePatch(arrow, 100, 40)).toEqual({ x: 0, y: 0, w: 200, h: 80 });
    const flat = shape({ kind: 'line', x: 0, y: 10, w: 100, h: 0 });
    expect(resizePatch(flat, -50, 30)).toEqual({ x: 0, y: 10, w: 50, h: 0 });
  });

  it('scales every point of a pen stroke into the new box, pressures untouched', () => {
    const pen = shape({ kind: 'pen', x: 100, y: 100, points: [0, 0, 0.2, 40, 20, 0.9, 20, 40, 0.5] });
    const resized = after(pen, 40, -20);
    expect(shapeBounds(resized)).toEqual({ x: 100, y: 100, w: 80, h: 20 });
    expect(resized.points).toEqual([0, 0, 0.2, 80, 10, 0.9, 40, 20, 0.5]);
  });

  it('never collapses a shape below the smallest box, and gives no patch for a text note or a non-number', () => {
    const rect = shape({ kind: 'rect', x: 0, y: 0, w: 100, h: 100 });
    expect(shapeBounds(after(rect, -500, -500))).toEqual({ x: 0, y: 0, w: MIN_RESIZE, h: MIN_RESIZE });
    expect(resizePatch(shape({ kind: 'text', x: 0, y: 0, text: 'hi' }), 10, 10)).toBeUndefined();
    expect(resizePatch(rect, Number.NaN, 0)).toBeUndefined();
    expect(resizePatch(rect, 1e9, 0)).toBeUndefined(); // off the board's ±1e7
  });
});
