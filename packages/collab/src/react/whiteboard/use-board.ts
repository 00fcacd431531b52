/**
 * The board of a room for React: made in an effect (so StrictMode's double mount and a server render
 * create no stray listeners) and read through `useSyncExternalStore` on its stable snapshots.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { UndoHistory, UndoState } from '../../core/undo-history.js';
import { createBoard, type Board, type BoardRoom } from '../../whiteboard/board.js';
import type { Peer } from '../../whiteboard/board-presence.js';
import type { Shape } from '../../whiteboard/shape.js';
import type { CommentThread } from '../../whiteboard/comments.js';
import type { RoomAssets } from '../../client/assets.js';

/** What `<Whiteboard>` needs of a room: `enterRoom`'s Room fits. */
export interface WhiteboardRoom extends BoardRoom {
  readonly history: UndoHistory;
  /** The room's id (`Room` has it): keys what this browser remembers of the board, such as seen comments. */
  readonly id?: string;
  /** [BOARD-24] The room's pictures (`Room` has them with `assetsUrl`): new images upload there. */
  readonly assets?: RoomAssets | undefined;
}

const NO_SHAPES: readonly Shape[] = [];
const NO_PEERS: readonly Peer[] = [];
const NO_THREADS: readonly CommentThread[] = [];
const NOTHING = (): (() => void) => () => undefined;

export function useBoard(room: WhiteboardRoom): Board | null {
  const [board, setBoard] = useState<Board | null>(null);
  useEffect(() => {
    const made = createBoard(room);
    setBoard(made);
    return () => {
      made.destroy();
      setBoard(null);
    };
  }, [room]);
  return board;
}

export function useShapes(board: Board | null): readonly Shape[] {
  return useSyncExternalStore(
    board ? (fn) => board.subscribe(fn) : NOTHING,
    () => board?.shapes() ?? NO_SHAPES,
    () => NO_SHAPES,
  );
}

/** The board's comment threads (BOARD-19), read as its shapes are. */
export function useCommentThreads(board: Board | null): readonly CommentThread[] {
  return useSyncExternalStore(
    board ? (fn) => board.comments.subscribe(fn) : NOTHING,
    () => board?.comments.threads() ?? NO_THREADS,
    () => NO_THREADS,
  );
}

export function usePeers(board: Board | null): readonly Peer[] {
  return useSyncExternalStore(
    board ? (fn) => board.subscribePeers(fn) : NOTHING,
    () => board?.peers() ?? NO_PEERS,
    () => NO_PEERS,
  );
}

const SERVER_UNDO: UndoState = { canUndo: false, canRedo: false };

export function useUndoState(history: UndoHistory): UndoState {
  return useSyncExternalStore(
    (fn) => history.subscribe(fn),
    () => history.state(),
    () => SERVER_UNDO,
  );
}
