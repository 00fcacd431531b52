/**
 * [BOARD-17] Copy, cut, paste and duplicate on the whiteboard, through the browser's own clipboard
 * events: Ctrl/Cmd+C, X and V work as anywhere else, need no permission prompt, and reach other tabs
 * and windows. Ctrl/Cmd+D duplicates without touching the clipboard. Only while the focus is on this
 * board (not in its note editor): elsewhere on the page the events are the page's.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { Board } from '../../whiteboard/board.js';
import type { RoomAssets } from '../../client/assets.js';
import { asNewShape, assetSourcesFromClipboard, noteFromText, pasteShapes, shapesFromClipboard, shapesToClipboard } from '../../whiteboard/clipboard.js';
import { bringAssets } from './bring-assets.js';
import type { Shape } from '../../whiteboard/shape.js';
import type { View } from './use-pointer-tools.js';

/** How far a paste (or a duplicate) lands from what it copies, in screen pixels: visibly a copy. */
const NUDGE = 16;

export interface ClipboardInput {
  root: RefObject<HTMLElement | null>;
  board: Board | null;
  selected: readonly string[];
  setSelection(ids: readonly string[]): void;
  view: View;
  /** Where a pasted text note goes, in board units: under the pointer, or the middle of the view. */
  center(): { x: number; y: number };
  /** A viewer's board (BOARD-20): copy only. */
  readOnly: boolean;
  /** [BOARD-22] Pictures pasted from the clipboard (a screenshot, an image copied in another app). */
  onPictures(files: File[]): void;
  /** [BOARD-27] The room's assets: a copy says where its pictures are, a paste brings them here. */
  assets: RoomAssets | undefined;
}

export function useBoardClipboard(input: ClipboardInput): { duplicate(): void } {
  const latest = useRef(input);
  latest.current = input;
  /** The last text pasted and how often in a row: each paste of it lands one nudge further. */
  const repeat = useRef({ text: '', times: 0 });

  const selectedShapes = (): Shape[] => {
    const { board, selected } = latest.current;
    if (!board) return [];
    const wanted = new Set(selected);
    return board.shapes().filter((s) => wanted.has(s.id)); // back to front, as the board stacks them
  };
  const nudge = (times: number): number => (NUDGE * times) / latest.current.view.zoom;

  useEffect(() => {
    const ours = (): boolean => {
      const active = document.activeElement;
      return active !== null && !(active instanceof HTMLTextAreaElement) && latest.current.root.current?.contains(active) === true;
    };
    const onCopy = (e: ClipboardEvent, cut: boolean): void => {
      if (cut && latest.current.readOnly) return;
      const shapes = ours() ? selectedShapes() : [];
      if (shapes.length === 0 || !e.clipboardData) return;
      // [BOARD-27] This room's pictures as absolute URLs: the copy may be pasted in another room.
      const assets = latest.current.assets;
      const assetUrl = (src: string): string | undefined => {
        const url = assets?.url(src);
        return url === undefined ? undefined : new URL(url, location.href).href;
      };
      e.clipboardData.setData('text/plain', shapesToClipboard(shapes, { assetUrl }));
      e.preventDefault();
      repeat.current = { text: '', times: 0 };
      if (cut) {
        latest.current.board?.remove(shapes.map((s) => s.id));
        latest.current.setSelection([]);
      }
    };
    const onPaste = (e: ClipboardEvent): void => {
      const { board, setSelection, center, readOnly } = latest.current;
      if (!board || readOnly || !ours() || !e.clipboardData) return;
      const pictures = [...e.clipboardData.files].filter((f) => f.type.startsWith('image/'));
      if (pictures.length > 0) {
        e.preventDefault();
        return latest.current.onPictures(pictures);
      }
      const text = e.clipboardData.getData('text/plain');
      if (!text) return;
      e.preventDefault();
      const times = repeat.current.text === text ? repeat.current.times + 1 : 1;
      repeat.current = { text, times };
      const copied = shapesFromClipboard(text);
      if (copied) {
        if (copied.length === 0) return;
        const paste = (): void => {
          const now = latest.current.board;
          if (now) latest.current.setSelection(pasteShapes(now, copied, nudge(times), nudge(times)));
        };
        // [BOARD-27] Pictures of another room's board are brought here first.
        const sources = assetSourcesFromClipboard(text);
        const assets = latest.current.assets;
        if (sources.size === 0 || !assets) return paste();
        void bringAssets(copied, sources, assets).then(paste);
        return;
      }
      const note = noteFromText(text, center());
      if (note) setSelection(pasteShapes(board, [note], 0, 0));
    };
    const copy = (e: ClipboardEvent): void => onCopy(e, false);
    const cut = (e: ClipboardEvent): void => onCopy(e, true);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, []);

  return {
    duplicate: () => {
      const { board, setSelection, readOnly } = latest.current;
      const shapes = selectedShapes();
      if (!board || readOnly || shapes.length === 0) return;
      setSelection(pasteShapes(board, shapes.map(asNewShape), nudge(1), nudge(1)));
    },
  };
}
