/**
 * Per-user undo in React [REACT-10]: the room's history (BOARD-6) as `{ undo, redo, canUndo,
 * canRedo }`, re-rendering only when `canUndo` or `canRedo` changes (the history's state object is
 * the cached snapshot).
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { UndoState } from '../core/undo-history.js';
import { useRoom } from './room-provider.js';

export interface UndoApi {
  /** Undoes this user's latest step; false when there is none (or no room yet). */
  undo(): boolean;
  redo(): boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

const NOTHING: UndoState = Object.freeze({ canUndo: false, canRedo: false });
const never = (): (() => void) => () => undefined;

export function useUndo(): UndoApi {
  const room = useRoom();
  const subscribe = useCallback((onChange: () => void) => (room ? room.subscribeUndo(() => onChange()) : never()), [room]);
  const get = useCallback(() => (room ? room.history.state() : NOTHING), [room]);
  const state = useSyncExternalStore(subscribe, get, () => NOTHING);
  const undo = useCallback(() => room?.undo() ?? false, [room]);
  const redo = useCallback(() => room?.redo() ?? false, [room]);
  return useMemo(() => ({ undo, redo, canUndo: state.canUndo, canRedo: state.canRedo }), [undo, redo, state]);
}
