/**
 * Follow mode (BOARD-15): this member publishes the part of the board it sees (`viewport` in
 * presence), and may follow another member — its view then shows that member's viewport, moving
 * as they pan and zoom, until this member moves the view itself or the other leaves.
 *
 * A follower publishes the viewport it follows, verbatim, not the one its own screen shows: a chain
 * (Carol follows Ada who follows Bob) shows everyone Bob's, and two members following each other
 * settle on one viewport instead of each fitting the other's with a margin, which would zoom both
 * out round after round.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { Board } from '../../whiteboard/board.js';
import type { Peer } from '../../whiteboard/board-presence.js';
import { viewportOf, viewShowing, type BoardView } from '../../whiteboard/viewport.js';

const NO_PEERS: readonly Peer[] = [];

export interface FollowInput {
  board: Board | null;
  peers: readonly Peer[];
  view: BoardView;
  setView(update: BoardView | ((view: BoardView) => BoardView)): void;
  surface: RefObject<SVGSVGElement | null>;
  onFollow?: ((connection: string | null) => void) | undefined;
}

export interface Follow {
  /** The member followed now, while they are in the room. */
  following: Peer | null;
  /** The others following this member now (they see what this board shows). */
  followers: readonly Peer[];
  follow(connection: string | null): void;
  /** Moves the view as this member's own act (pan, zoom): it ends following. */
  moveView(update: BoardView | ((view: BoardView) => BoardView)): void;
}

/** The surface's size in CSS pixels, kept current by a ResizeObserver where there is one. */
function useSurfaceSize(surface: RefObject<SVGSVGElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = surface.current;
    if (!el) return;
    const measure = (): void => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    measure();
    if (typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [surface]);
  return size;
}

export function useFollow({ board, peers, view, setView, surface, onFollow }: FollowInput): Follow {
  const size = useSurfaceSize(surface);
  const [followingId, setFollowingId] = useState<string | null>(null);
  const followed = followingId === null ? null : (peers.find((p) => p.connection === followingId) ?? null);
  const onFollowRef = useRef(onFollow);
  onFollowRef.current = onFollow;
  const followingRef = useRef(followingId);
  followingRef.current = followingId;

  const follow = useCallback((connection: string | null) => {
    if (followingRef.current === connection) return;
    followingRef.current = connection;
    setFollowingId(connection);
    onFollowRef.current?.(connection);
  }, []);

  const moveView = useCallback((update: BoardView | ((view: BoardView) => BoardView)) => {
    follow(null);
    setView(update);
  }, [follow, setView]);

  // Who we follow is in presence too, so the one followed can be told (BOARD-15).
  useEffect(() => {
    board?.setPresence({ following: followingId });
  }, [board, followingId]);
  const me = board?.connection;
  const followers = me === undefined ? NO_PEERS : peers.filter((p) => p.following === me);

  // The followed member left the room: following ends.
  useEffect(() => {
    if (followingId !== null && followed === null) follow(null);
  }, [followingId, followed, follow]);

  // Show what they see, each time it changes (their presence, our size).
  const target = followed?.viewport ?? null;
  const targetKey = target && `${target.x} ${target.y} ${target.w} ${target.h}`;
  const hasSize = size.width > 0 && size.height > 0;
  useEffect(() => {
    if (target && hasSize) setView(viewShowing(target, size));
  }, [targetKey, size]); // keyed by content: their cursor moving makes a new peer object, not a new viewport

  // Publish what we see: the followed viewport while following (see above), else our own.
  const own = hasSize ? viewportOf(view, size) : null;
  const published = target ?? own;
  const key = published && `${published.x} ${published.y} ${published.w} ${published.h}`;
  useEffect(() => {
    if (board && published) board.setPresence({ viewport: published });
  }, [board, key]); // keyed by content on purpose: a re-render with the same numbers sends nothing
  return { following: followed, followers, follow, moveView };
}
