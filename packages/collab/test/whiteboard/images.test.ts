// [BOARD-22] Image shapes: a picture as a data URL in the shape, synced, exported, resized and
// copied like any shape; what is not a raster picture's data URL (a remote URL, an SVG, script, a
// file too large) is refused as input and skipped when a peer writes it.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BOARD_MAP, boardToSvg, pasteShapes, resizePatch, SHAPE_LIMITS, shapesFromClipboard, shapesToClipboard } from '../../src/whiteboard/index.js';
import { boardPair } from './board-pair.js';

// A real 1×1 PNG (a red pixel).
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

describe('[BOARD-22] image shapes', () => {
  it('an image added on one board is on the other with its picture, in the SVG export, resizable, and copied with its picture', async () => {
    const { ada, bob, settle } = await boardPair();
    const added = ada.board.add({ kind: 'image', x: 10, y: 20, w: 160, h: 90, src: PNG });
    if (!added.ok) throw new Error(added.error.message);
    await settle();
    const seen = bob.board.shape(added.value.id)!;
    expect(seen).toMatchObject({ kind: 'image', x: 10, y: 20, w: 160, h: 90, src: PNG });
    expect(boardToSvg(bob.board.shapes())).toContain(`<image data-shape-id="${seen.id}" data-shape-kind="image" x="10" y="20" width="160" height="90" href="${PNG}" preserveAspectRatio="none"></image>`);
    expect(resizePatch(seen, 40, 10)).toEqual({ x: 10, y: 20, w: 200, h: 100 });
    const pasted = pasteShapes(bob.board, shapesFromClipboard(shapesToClipboard([seen]))!, 16, 16);
    expect(bob.board.shape(pasted[0]!)).toMatchObject({ kind: 'image', x: 26, y: 36, src: PNG });
    // Other shapes carry no src.
    const rect = ada.board.add({ kind: 'rect', x: 0, y: 0, w: 5, h: 5 });
    expect(rect.ok && 'src' in rect.value).toBe(false);
  });

  it('refuses what is not a raster picture\'s data URL, an image without one, and a src on another kind; writes nothing then', async () => {
    const { ada } = await boardPair();
    const refused = [
      'https://tracker.example/pixel.png',
      'data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+',
      'javascript:alert(1)',
      'data:text/html;base64,PGI+aGk8L2I+',
      'data:image/png;base64,not base64!',
      `data:image/png;base64,${'A'.repeat(SHAPE_LIMITS.src)}`,
    ];
    for (const src of refused) {
      expect(ada.board.add({ kind: 'image', x: 0, y: 0, w: 10, h: 10, src }), src.slice(0, 40)).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    }
    expect(ada.board.add({ kind: 'image', x: 0, y: 0, w: 10, h: 10 })).toMatchObject({ ok: false, error: { message: 'an image needs its src' } });
    expect(ada.board.add({ kind: 'rect', x: 0, y: 0, w: 10, h: 10, src: PNG })).toMatchObject({ ok: false, error: { message: 'only an image has a src' } });
    const image = ada.board.add({ kind: 'image', x: 0, y: 0, w: 10, h: 10, src: PNG });
    expect(image.ok && ada.board.update(image.value.id, { src: 'https://tracker.example/x.png' })).toMatchObject({ ok: false });
    expect(ada.board.shapes().map((s) => s.src)).toEqual([PNG]);
  });

  it('a peer\'s image with a forbidden or missing src is skipped, never drawn', async () => {
    const { ada, bob, settle } = await boardPair();
    const root = ada.member.room.doc.getMap<Y.Map<unknown>>(BOARD_MAP);
    const raw = (id: string, fields: Record<string, unknown>): void => {
      const shape = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({ kind: 'image', x: 0, y: 0, w: 10, h: 10, ...fields })) shape.set(key, value);
      root.set(id, shape);
    };
    ada.member.room.doc.transact(() => {
      raw('remote', { src: 'https://tracker.example/pixel.png' });
      raw('svg', { src: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' });
      raw('none', {});
      raw('good', { src: PNG });
    });
    await settle();
    expect(bob.board.shapes().map((s) => s.id)).toEqual(['good']);
    expect(boardToSvg(bob.board.shapes())).not.toContain('tracker.example');
  });
});
