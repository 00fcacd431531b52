import { describe, expect, it } from 'vitest';
import { boardToSvg, type Shape } from '@kuiper/collab';
import { PREVIEW_THUMB_BUDGET, previewShapes } from '../server/board-preview.js';

const thumb = (n: number): string => `data:image/webp;base64,${'A'.repeat(n - 23)}`;
const image = (id: string, side: number, chars: number): Shape =>
  ({ id, kind: 'image', x: 0, y: 0, w: side, h: side, z: 0, color: '#000', width: 2, fill: null, points: [], text: '', src: `asset:${'0'.repeat(64)}`, thumb: thumb(chars) });

describe('the lobby\'s board preview', () => {
  it('[DEMO-18][DEMO-23] carries the thumbnails of the largest pictures within its budget, and boxes for the rest, so a board of many photos stays a small download', () => {
    // Twenty pictures of 8,000-character thumbnails, the largest last: six fit the budget.
    const shapes = Array.from({ length: 20 }, (_, i) => image(`p${i}`, 10 + i, 8000));
    const drawn = previewShapes(shapes);
    expect(drawn.filter((s) => s.thumb !== undefined).map((s) => s.id)).toEqual(['p14', 'p15', 'p16', 'p17', 'p18', 'p19']);
    const svg = boardToSvg(drawn);
    expect(svg.match(/href="data:image\/webp/g)).toHaveLength(6);
    expect(svg.match(/<rect data-shape-id=/g)).toHaveLength(14);
    expect(svg.length).toBeLessThan(PREVIEW_THUMB_BUDGET + 20 * 300);
    // A small board keeps every thumbnail; a thumbnail too large for what is left is skipped, not the smaller ones after it.
    expect(previewShapes([image('a', 50, 40_000), image('b', 40, 10_000), image('c', 30, 5_000)]).map((s) => s.thumb !== undefined)).toEqual([true, false, true]);
  });
});
