/**
 * Per-user undo over a shared document (BOARD-6…8): a Y.UndoManager that records only this
 * member's own transactions. Remote updates arrive with the member's sync object as their origin
 * (COLLAB-5) and restored offline state with its provider as origin, so neither is ever tracked:
 * undo takes back what this user did and nothing another member did.
 *
 * Steps: each local transaction is its own step unless it falls within `captureTimeout` of the
 * previous one (typing), or inside a gesture — everything between `beginGesture()` and its end
 * (pointer down … pointer up) is one step, however long the drag lasts.
 */
import * as Y from 'yjs';
import { Listeners } from './listeners.js';

export interface UndoHistoryOptions {
  /** Local edits closer together than this merge into one step (ms); default 0: every edit is one. */
  captureTimeout?: number;
  /** Transaction origins that count as this user's edits; default: `null` (a plain `doc.transact`). */
  trackedOrigins?: readonly unknown[];
  /** The oldest steps beyond this many are forgotten, so a long session does not grow without end; default 500. */
  maxSteps?: number;
}

export interface UndoState {
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

export class UndoHistory {
  private readonly manager: Y.UndoManager;
  private readonly listeners = new Listeners<UndoState>();
  private readonly captureTimeout: number;
  private readonly maxSteps: number;
  private gestures = 0;
  private last: UndoState = { canUndo: false, canRedo: false };

  constructor(doc: Y.Doc, options: UndoHistoryOptions = {}) {
    this.captureTimeout = options.captureTimeout ?? 0;
    this.maxSteps = Math.max(1, options.maxSteps ?? 500);
    this.manager = new Y.UndoManager(doc, {
      captureTimeout: this.captureTimeout,
      trackedOrigins: new Set(options.trackedOrigins ?? [null]),
    });
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) this.manager.on(event, this.changed);
  }

  /** Undoes this user's latest step that still changes something; false when there is none. */
  undo(): boolean {
    this.stopCapturing();
    return this.manager.undo() !== null;
  }

  redo(): boolean {
    this.stopCapturing();
    return this.manager.redo() !== null;
  }

  canUndo(): boolean {
    return this.manager.canUndo();
  }

  canRedo(): boolean {
    return this.manager.canRedo();
  }

  /** The same object until `canUndo` or `canRedo` changes (a `useSyncExternalStore` snapshot). */
  state(): UndoState {
    return this.last;
  }

  subscribe(fn: (state: UndoState) => void): () => void {
    return this.listeners.subscribe(fn);
  }

  /** The next local edit starts a new step. */
  stopCapturing(): void {
    this.manager.stopCapturing();
  }

  /**
   * Everything until the returned `end` is called is one step (a drag, a stroke). Gestures nest;
   * `end` is idempotent, so a pointer-cancel and a pointer-up may both call it.
   */
  beginGesture(): () => void {
    if (this.gestures++ === 0) {
      this.manager.stopCapturing(); // do not merge into the step before the gesture
      this.manager.captureTimeout = Number.POSITIVE_INFINITY;
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.gestures === 0) {
        this.manager.captureTimeout = this.captureTimeout;
        this.manager.stopCapturing();
      }
    };
  }

  /** Forgets every step (after loading a different document, say). */
  clear(): void {
    this.manager.clear();
  }

  destroy(): void {
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const) this.manager.off(event, this.changed);
    this.manager.destroy();
  }

  private readonly changed = (): void => {
    for (const stack of [this.manager.undoStack, this.manager.redoStack]) if (stack.length > this.maxSteps) stack.splice(0, stack.length - this.maxSteps);
    const next = { canUndo: this.manager.canUndo(), canRedo: this.manager.canRedo() };
    if (next.canUndo === this.last.canUndo && next.canRedo === this.last.canRedo) return;
    this.last = next;
    this.listeners.emit(next);
  };
}
