/**
 * [BOARD-22] Pictures onto the board: dropped on it, pasted (the clipboard hook hands files here) or
 * picked with the toolbar's Image button. Each becomes an image shape where it was dropped (or in the
 * middle of the view), selected, one undo step; a file that is no picture or cannot be made to fit
 * goes to the board's `onError` instead.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import type { RoomAssets } from '../../client/assets.js';
import type { Result } from '../../protocol/errors.js';
import type { Board } from '../../whiteboard/board.js';
import type { NewShape } from '../../whiteboard/shape.js';
import { nudgeIntoView, type BoardViewport } from '../../whiteboard/viewport.js';
import { dataUrlBlob } from '../picture-fit.js';
import { imageShapeFromFile } from './image-file.js';
import { boardPoint, type View } from './use-pointer-tools.js';

export interface ImageInput {
  board: Board | null;
  /** [BOARD-24] Where pictures are uploaded; without it (or while it cannot be reached) they stay inline. */
  assets: RoomAssets | undefined;
  view: View;
  readOnly: boolean;
  center(): { x: number; y: number };
  /** [BOARD-22] The part of the board in view, in board units: a picture pasted near its edge is moved into it. */
  viewport?(): BoardViewport;
  setSelection(ids: readonly string[]): void;
  onError(error: Error): void;
}

/**
 * [BOARD-26] A picture on its way to the board: being made to fit (no `shape` yet), then uploaded
 * (`shape`: where it will land, with its thumbnail). Local to this page, never in the document.
 */
export interface PendingPicture {
  readonly key: number;
  readonly shape?: NewShape;
}

export interface Images {
  /** Adds each picture among `files`: the first centred on `at` (board units; default the middle of the view), the others to its right in a row. */
  insert(files: Iterable<File>, at?: { x: number; y: number }): Promise<void>;
  /** [BOARD-26] The pictures this page is adding right now, in the order they were given. */
  pending: readonly PendingPicture[];
  /** For the surface: a drop of files adds them where they fall. */
  onDragOver(e: DragEvent<Element>): void;
  onDrop(e: DragEvent<Element>): void;
}

const hasFiles = (e: DragEvent<Element>): boolean => [...(e.dataTransfer?.types ?? [])].includes('Files');

/** How often pictures kept inline for want of a server are offered to it again. */
export const UPLOAD_RETRY_MS = 4000;

/** An inline (`data:`) picture uploaded as the room's asset. */
const uploadInline = async (assets: RoomAssets, src: string): Promise<Result<string>> => assets.upload(await dataUrlBlob(src));

/**
 * [BOARD-24] The shape with its picture uploaded as the room's asset, when the room has assets: the
 * document then holds `asset:<id>`. Offline, or with a server that keeps none, the picture stays
 * inline (BOARD-22) and `retry` says to offer it again later; a picture the server refuses is an error.
 */
async function uploaded(shape: NewShape, assets: RoomAssets | undefined): Promise<{ shape: NewShape; retry: boolean }> {
  if (!assets || shape.src === undefined || !shape.src.startsWith('data:')) return { shape, retry: false };
  const result = await uploadInline(assets, shape.src);
  if (result.ok) return { shape: { ...shape, src: result.value }, retry: false };
  if (result.error.code === 'asset_refused') throw new Error(`This picture was refused: ${result.error.message}`);
  return { shape, retry: true };
}

/**
 * [BOARD-24] Pictures this page kept inline because no upload could be made are offered again every
 * UPLOAD_RETRY_MS while the page is open; once one is taken, the shape refers to it (`swapSrc`: not
 * an undo step, and not if someone changed the picture meanwhile). Returns what to call with each.
 */
function usePendingUploads(latest: { readonly current: ImageInput }): (id: string, src: string) => void {
  const pending = useRef(new Map<string, string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const retry = useCallback(async (): Promise<void> => {
    timer.current = undefined;
    const { board, assets } = latest.current;
    for (const [id, src] of [...pending.current]) {
      if (!board || !assets || board.shape(id)?.src !== src) {
        pending.current.delete(id); // gone, changed, or no assets any more: nothing to move
        continue;
      }
      try {
        const result = await uploadInline(assets, src);
        if (result.ok) board.swapSrc(id, src, result.value);
        if (result.ok || result.error.code === 'asset_refused') pending.current.delete(id);
      } catch {
        // Kept for the next round: one failure must not end the retries of the others.
      }
    }
    if (pending.current.size > 0) timer.current = setTimeout(() => void retry(), UPLOAD_RETRY_MS);
  }, [latest]);
  return useCallback((id, src) => {
    pending.current.set(id, src);
    timer.current ??= setTimeout(() => void retry(), UPLOAD_RETRY_MS);
  }, [retry]);
}

export function useImages(input: ImageInput): Images {
  const latest = useRef(input);
  latest.current = input;
  const later = usePendingUploads(latest);

  const [pending, setPending] = useState<readonly PendingPicture[]>([]);
  const keys = useRef(0);

  const insert = useCallback(async (files: Iterable<File>, at?: { x: number; y: number }) => {
    const { board, assets, readOnly, view: { zoom }, center, setSelection, onError } = latest.current;
    if (!board || readOnly) return;
    const place = at ?? center();
    const ids: string[] = [];
    let right: number | undefined; // the right edge of the last one added: the next goes beside it
    const mine = [...files].map((file) => ({ file, key: ++keys.current }));
    setPending((now) => [...now, ...mine.map(({ key }) => ({ key }))]);
    const update = (key: number, entry?: PendingPicture): void =>
      setPending((now) => (entry ? now.map((e) => (e.key === key ? entry : e)) : now.filter((e) => e.key !== key)));
    for (const { file, key } of mine) {
      try {
        const fitted = await imageShapeFromFile(file, place, zoom);
        const shown = latest.current.viewport?.();
        // The first wholly in view (pasted near an edge, it would run past it); the next beside it.
        const placed = right !== undefined ? { ...fitted, x: right + 16 / zoom } : shown ? { ...fitted, ...nudgeIntoView({ x: fitted.x, y: fitted.y, w: fitted.w ?? 0, h: fitted.h ?? 0 }, shown, 8 / zoom) } : fitted;
        update(key, { key, shape: placed });
        const { shape, retry } = await uploaded(placed, assets);
        const added = board.add(shape);
        if (!added.ok) throw new Error(added.error.message);
        ids.push(added.value.id);
        if (retry && shape.src !== undefined) later(added.value.id, shape.src);
        right = shape.x + (shape.w ?? 0);
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      } finally {
        update(key);
      }
    }
    if (ids.length > 0) setSelection(ids);
  }, [later]);

  return {
    insert,
    pending,
    onDragOver: (e) => {
      if (!hasFiles(e) || latest.current.readOnly) return;
      e.preventDefault(); // accept the drop
      e.dataTransfer.dropEffect = 'copy';
    },
    onDrop: (e) => {
      if (!hasFiles(e) || latest.current.readOnly) return;
      e.preventDefault(); // the browser would open the file instead
      void insert([...e.dataTransfer.files], boardPoint(e, latest.current.view));
    },
  };
}
