/**
 * [BOARD-29] Pictures put on a board before thumbnails existed (BOARD-25) have none, so a server's
 * preview (the demo's lobby) draws them as grey boxes. A page that may write draws each such asset
 * picture anyway: it fetches it once more, makes the thumbnail and gives it to the shape, outside
 * the undo history. Pages wait a random moment first and look again, so that of the members who
 * open the board at once, usually one does it; two doing it write the same kind of value, harmless.
 */
import { useEffect, useRef } from 'react';
import { assetIdOf } from '../../protocol/assets.js';
import type { RoomAssets } from '../../client/assets.js';
import type { Board } from '../../whiteboard/board.js';
import type { Shape } from '../../whiteboard/shape.js';
import { thumbnailOf } from './image-file.js';

/** The longest a page waits before it starts, in ms (a random share of it). */
export const BACKFILL_DELAY_MS = 3000;

export interface ThumbBackfillInput {
  readonly board: Board | null;
  readonly shapes: readonly Shape[];
  readonly assets: RoomAssets | undefined;
  readonly readOnly: boolean;
}

const lacksThumb = (s: Shape): boolean => s.kind === 'image' && s.thumb === undefined && s.src !== undefined && assetIdOf(s.src) !== undefined;

export function useThumbBackfill(input: ThumbBackfillInput): void {
  const latest = useRef(input);
  latest.current = input;
  /** Each shape is tried once per page: a picture that cannot be fetched is not asked for again and again. */
  const tried = useRef(new Set<string>());
  const queue = useRef<Shape[]>([]);
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  useEffect(() => {
    if (!input.board || !input.assets || input.readOnly) return;
    for (const shape of input.shapes) {
      if (lacksThumb(shape) && !tried.current.has(shape.id)) {
        tried.current.add(shape.id);
        queue.current.push(shape);
      }
    }
    if (running.current || queue.current.length === 0) return;
    running.current = true;
    void (async () => {
      await new Promise((done) => setTimeout(done, Math.random() * BACKFILL_DELAY_MS));
      for (let shape = queue.current.shift(); shape && mounted.current; shape = queue.current.shift()) {
        const { board, assets, readOnly } = latest.current;
        const now = board?.shape(shape.id);
        const url = now?.src !== undefined ? assets?.url(now.src) : undefined;
        if (!board || readOnly || !now || !lacksThumb(now) || url === undefined) continue; // gone, given one meanwhile, or no longer ours to write
        try {
          const response = await fetch(url);
          const thumb = response.ok ? await thumbnailOf(await response.blob()) : undefined;
          if (thumb !== undefined && mounted.current) board.addThumb(now.id, now.src!, thumb);
        } catch {
          // A picture the browser cannot fetch or decode keeps going without one.
        }
      }
      running.current = false;
    })();
  }, [input.board, input.assets, input.readOnly, input.shapes]);
}
