// [BOARD-22] Image shapes: a picture as a data URL in the shape, synced, exported, resized and
// copied like any shape; what is not a raster picture's data URL (a remote URL, an SVG, script, a
// file too large) is refused as input and skipped when a peer writes it.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { assetSourcesFromClipboard, BOARD_MAP, boardToSvg, pasteShapes, resizePatch, SHAPE_LIMITS, shapesFromClipboard, shapesToClipboard } from '../../src/whiteboard/index.js';
import { assetIdOf, assetSrc, pictureType } from '../../src/index.js';
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

describe('[BOARD-24] image shapes whose picture is a room asset', () => {
  const ID = 'c0ffee'.padEnd(64, '0');
  it('an `asset:<sha-256>` src is a picture like an inline one; anything else that looks like it is refused', async () => {
    const { ada, bob, settle } = await boardPair();
    const added = ada.board.add({ kind: 'image', x: 0, y: 0, w: 30, h: 20, src: `asset:${ID}` });
    if (!added.ok) throw new Error(added.error.message);
    await settle();
    expect(bob.board.shape(added.value.id)).toMatchObject({ src: `asset:${ID}` });
    for (const src of [`asset:${ID.toUpperCase()}`, `asset:${ID.slice(1)}`, `asset:${ID}0`, 'asset:../../etc/passwd', `asset:/${ID}`]) {
      expect(ada.board.add({ kind: 'image', x: 0, y: 0, w: 10, h: 10, src }), src).toMatchObject({ ok: false, error: { code: 'shape_invalid' } });
    }
  });

  it('swapSrc puts the reference in place of the inline picture only while the shape holds it, and is no one\'s undo step', async () => {
    const { ada, bob, settle } = await boardPair();
    const added = ada.board.add({ kind: 'image', x: 0, y: 0, w: 30, h: 20, src: PNG });
    if (!added.ok) throw new Error(added.error.message);
    const id = added.value.id;
    ada.history.stopCapturing();
    expect(ada.board.swapSrc(id, PNG, 'https://tracker.example/x.png')).toBe(false); // not a picture's src
    expect(ada.board.swapSrc('nothing', PNG, `asset:${ID}`)).toBe(false);
    expect(ada.board.swapSrc(id, 'data:image/png;base64,AAAA', `asset:${ID}`)).toBe(false); // someone changed it meanwhile
    expect(ada.board.swapSrc(id, PNG, `asset:${ID}`)).toBe(true);
    await settle();
    expect(bob.board.shape(id)?.src).toBe(`asset:${ID}`);
    expect(ada.history.undo()).toBe(true); // the add, not the swap
    expect(ada.board.shape(id)).toBeUndefined();
  });

  it('drawn from the URL the room gives it; where there is none (a server\'s preview) a grey box of its size, never a link', () => {
    const shape = { id: 'p', kind: 'image', x: 5, y: 6, w: 30, h: 20, z: 0, color: '#000', width: 2, fill: null, points: [], text: '', src: `asset:${ID}` } as const;
    const linked = boardToSvg([shape], { assetUrl: (src) => (src === `asset:${ID}` ? `/kuiper-assets/r/${ID}` : undefined) });
    expect(linked).toContain(`<image data-shape-id="p" data-shape-kind="image" x="5" y="6" width="30" height="20" href="/kuiper-assets/r/${ID}" preserveAspectRatio="none"></image>`);
    const alone = boardToSvg([shape]);
    expect(alone).toContain('<rect data-shape-id="p" data-shape-kind="image" x="5" y="6" width="30" height="20" fill="#e9ecef"');
    expect(alone).not.toContain('href');
    expect(alone).not.toContain(ID);
  });

  it('[COLLAB-47] an asset\'s type is read from its first bytes, never from what the uploader claims', () => {
    const bytes = (...values: number[]) => new Uint8Array(values);
    expect(pictureType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(pictureType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(pictureType(bytes(0x47, 0x49, 0x46, 0x38, 0x39, 0x61))).toBe('image/gif');
    expect(pictureType(bytes(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50))).toBe('image/webp');
    expect(pictureType(bytes(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45))).toBeUndefined(); // a WAV
    expect(pictureType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(pictureType(bytes())).toBeUndefined();
    expect(assetIdOf(assetSrc(ID))).toBe(ID);
    expect(assetIdOf('data:image/png;base64,AAAA')).toBeUndefined();
  });
});

describe('[BOARD-25] an image\'s thumbnail', () => {
  const ID = 'beef'.padEnd(64, '0');
  const image = { kind: 'image', x: 5, y: 6, w: 30, h: 20, src: `asset:${ID}`, thumb: PNG } as const;

  it('syncs and copies with its image; draws an asset with nowhere to fetch it from (a server\'s preview), never instead of the picture itself', async () => {
    const { ada, bob, settle } = await boardPair();
    const added = ada.board.add(image);
    if (!added.ok) throw new Error(added.error.message);
    await settle();
    const seen = bob.board.shape(added.value.id)!;
    expect(seen).toMatchObject({ src: `asset:${ID}`, thumb: PNG });
    const pasted = pasteShapes(bob.board, shapesFromClipboard(shapesToClipboard([seen]))!, 16, 16);
    expect(bob.board.shape(pasted[0]!)).toMatchObject({ src: `asset:${ID}`, thumb: PNG });
    // The lobby's preview (no asset URL): the thumbnail, stretched to the image's box.
    expect(boardToSvg([seen])).toContain(`<image data-shape-id="${seen.id}" data-shape-kind="image" x="5" y="6" width="30" height="20" href="${PNG}" preserveAspectRatio="none"></image>`);
    // On a board with the room's assets: the picture itself.
    const linked = boardToSvg([seen], { assetUrl: () => `/kuiper-assets/r/${ID}` });
    expect(linked).toContain(`href="/kuiper-assets/r/${ID}"`);
    expect(linked).not.toContain(PNG);
    // An inline picture is drawn as it is, whatever its thumbnail.
    const inline = ada.board.add({ ...image, src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' });
    expect(inline.ok && boardToSvg([inline.value])).toContain('href="data:image/gif;base64,R0lGODlhAQABAAAAACw="');
  });

  it('is an inline raster picture of at most 8,000 characters, on an image only; a peer\'s bad one makes the shape unusable', async () => {
    const { ada, bob, settle } = await boardPair();
    for (const thumb of [`asset:${ID}`, 'https://tracker.example/t.png', 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=', `data:image/png;base64,${'A'.repeat(SHAPE_LIMITS.thumb)}`]) {
      expect(ada.board.add({ ...image, thumb }), thumb.slice(0, 40)).toMatchObject({ ok: false, error: { code: 'shape_invalid', message: expect.stringMatching(/^thumb must be/) } });
    }
    expect(ada.board.add({ kind: 'rect', x: 0, y: 0, w: 10, h: 10, thumb: PNG })).toMatchObject({ ok: false, error: { message: 'only an image has a thumb' } });
    const kept = ada.board.add(image);
    expect(kept.ok && ada.board.update(kept.value.id, { thumb: 'https://tracker.example/t.png' })).toMatchObject({ ok: false });
    const root = ada.member.room.doc.getMap<Y.Map<unknown>>(BOARD_MAP);
    const raw = new Y.Map<unknown>();
    for (const [key, value] of Object.entries({ ...image, thumb: 'https://tracker.example/t.png' })) raw.set(key, value);
    root.set('tracked', raw);
    await settle();
    expect(bob.board.shapes().map((s) => s.id)).toEqual([kept.ok ? kept.value.id : '']);
  });

  it('[BOARD-2] a board writes a shape\'s own fields only: whatever else a clipboard\'s JSON carries stays out of the document', async () => {
    const { ada, bob, settle } = await boardPair();
    const text = JSON.stringify({ format: JSON.parse(shapesToClipboard([]))['format'], v: 1, shapes: [{ kind: 'rect', x: 1, y: 2, w: 3, h: 4, junk: 'x'.repeat(100_000) }] });
    const [id] = pasteShapes(ada.board, shapesFromClipboard(text)!, 0, 0);
    const added = ada.board.update(id!, { w: 9, extra: 'y'.repeat(1000) } as never);
    expect(added).toMatchObject({ ok: true, value: { w: 9 } });
    await settle();
    const fields = (ada.member.room.doc.getMap<Y.Map<unknown>>(BOARD_MAP).get(id!)!).toJSON();
    expect(Object.keys(fields).sort()).toEqual(['h', 'kind', 'w', 'x', 'y', 'z']);
    expect(Y.encodeStateAsUpdate(bob.member.room.doc).byteLength).toBeLessThan(1000);
  });
});

describe('[BOARD-27] a copy names where its pictures are', () => {
  const ID = 'abcd'.padEnd(64, '1');
  it('shapesToClipboard carries each asset picture\'s URL; a paste reads only well-formed srcs and http(s) URLs back', () => {
    const shape = { id: 'p', kind: 'image', x: 0, y: 0, w: 3, h: 2, z: 0, color: '#000', width: 2, fill: null, points: [], text: '', src: `asset:${ID}` } as const;
    const inline = { ...shape, id: 'q', src: PNG };
    const text = shapesToClipboard([shape, inline], { assetUrl: (src) => `https://app.example/kuiper-assets/a/${src.slice(6)}` });
    expect([...assetSourcesFromClipboard(text)]).toEqual([[`asset:${ID}`, `https://app.example/kuiper-assets/a/${ID}`]]);
    expect(shapesFromClipboard(text)!.map((s) => s.src)).toEqual([`asset:${ID}`, PNG]);
    // Without a way to fetch them, a copy names none; anything else on a clipboard is not taken.
    expect(assetSourcesFromClipboard(shapesToClipboard([shape]))).toEqual(new Map());
    const forged = JSON.stringify({ format: 'kuiper-board-shapes', v: 1, shapes: [], assets: { [`asset:${ID}`]: 'javascript:alert(1)', 'asset:../x': 'https://a.example/x', [PNG]: 'https://a.example/y' } });
    expect(assetSourcesFromClipboard(forged)).toEqual(new Map());
    expect(assetSourcesFromClipboard('not a copy')).toEqual(new Map());
  });
});
