/**
 * Follow mode (BOARD-15): this member publishes the part of the board it sees (`viewport` in
 * presence), and may follow another member — its view then shows that member's viewport, moving
 * as they pan and zoom, until this member moves the view itself or the other leaves.
 *
 * A follower publishes the viewport it follows, verbatim, not the one its own screen shows: a chain
 * (Carol follows Ada who follows Bob) shows everyone Bob's, and two members following each other
 * settle on one viewport instead of each fitting the other's with a margin, which would zoom both
 * out round after round.
 *
 * [BOARD-36] Spotlight: a member may ask everyone to follow them (`spotlight` in presence, the time
 * they began). Every other board follows the newest spotlight at once; one who stops following it
 * (Stop, or moving their own view) is left alone until the next one, and following ends with it.
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
  /** [BOARD-36] Whether this member asks everyone to follow them, and the switch. */
  spotlit: boolean;
  spotlight(on: boolean): void;
}

/** The newest spotlight among the others, or null. */
function spotlightOf(peers: readonly Peer[]): Peer | null {
  let lead: Peer | null = null;
  for (const p of peers) if (p.spotlight !== null && (lead === null || p.spotlight > lead.spotlight!)) lead = p;
  return lead;
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

  /** The spotlight (`connection time`) this board follows because it was asked, and the one it was asked and declined. */
  const bySpotlight = useRef<{ key: string; connection: string } | null>(null);
  const declined = useRef<string | null>(null);

  const follow = useCallback((connection: string | null) => {
    if (followingRef.current === connection) return;
    const asked = bySpotlight.current;
    if (asked && asked.connection !== connection) {
      declined.current = asked.key; // stopped following the spotlight: not again until the next one
      bySpotlight.current = null;
    }
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

  // [BOARD-36] Follow the newest spotlight unless this member declined it or shines one itself.
  const [spotlit, setSpotlit] = useState(false);
  const lead = spotlightOf(peers);
  const leadKey = lead && `${lead.connection} ${lead.spotlight}`;
  useEffect(() => {
    const asked = bySpotlight.current;
    if (asked && asked.key !== leadKey) {
      bySpotlight.current = null; // that spotlight ended (or a newer one began): stop following it
      if (followingRef.current === asked.connection) follow(null);
    }
    if (!lead || !leadKey || spotlit || declined.current === leadKey || bySpotlight.current) return;
    follow(lead.connection);
    bySpotlight.current = { key: leadKey, connection: lead.connection };
  }, [leadKey, spotlit]); // keyed by content: a spotlight's cursor moving is no new spotlight
  const spotlight = useCallback((on: boolean) => {
    setSpotlit(on);
    if (on) follow(null); // the one everyone follows follows no one
    board?.setPresence({ spotlight: on ? Date.now() : null });
  }, [board, follow]);

  return { following: followed, followers, follow, moveView, spotlit, spotlight };
}
