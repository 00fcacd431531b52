/**
 * [BOARD-31] The laser pointer: a trail that follows the pointer while it is pressed and fades out
 * a second behind it, on this page and, through presence, on everyone else's. Nothing is written to
 * the document, so it is in no undo history and a viewer (BOARD-20) may point too.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Board } from '../../whiteboard/board.js';
import { LASER_FADE_MS, LASER_POINTS } from '../../whiteboard/board-presence.js';

/** How often a trail is trimmed while it fades: presence sends at most this often anyway (20 Hz). */
const TICK_MS = 50;
const NONE: readonly number[] = [];

export interface Laser {
  /** This page's own trail, flat `x, y` pairs, oldest first. */
  readonly trail: readonly number[];
  /** Adds a point where the pointer is (board units). */
  point(at: { x: number; y: number }): void;
}

export function useLaser(board: Board | null): Laser {
  const points = useRef<Array<{ x: number; y: number; t: number }>>([]);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const [trail, setTrail] = useState<readonly number[]>(NONE);
  const boardRef = useRef(board);
  boardRef.current = board;

  const stop = (): void => {
    if (timer.current !== null) clearInterval(timer.current);
    timer.current = null;
  };

  /** Drops what has faded and tells the others; stops once nothing is left. */
  const trim = useCallback((): void => {
    const now = Date.now();
    points.current = points.current.filter((p) => now - p.t < LASER_FADE_MS).slice(-LASER_POINTS);
    const flat = points.current.length === 0 ? NONE : points.current.flatMap((p) => [p.x, p.y]);
    setTrail(flat);
    boardRef.current?.setPresence({ laser: flat });
    if (flat.length === 0) stop();
  }, []);

  const point = useCallback((at: { x: number; y: number }): void => {
    points.current.push({ x: at.x, y: at.y, t: Date.now() });
    trim();
    if (timer.current === null) timer.current = setInterval(trim, TICK_MS);
  }, [trim]);

  useEffect(() => () => {
    stop();
    if (points.current.length > 0) boardRef.current?.setPresence({ laser: [] });
  }, []);

  return { trail, point };
}
