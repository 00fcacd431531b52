/**
 * [BOARD-23] Which comment threads have news for this person: when each thread was last open here,
 * kept in localStorage per room (so a reload and the browser's other tabs agree), and when the
 * board was first seen in this browser — threads older than that are not news. A room without an
 * id, or a browser without storage, keeps it in memory for as long as the board is mounted.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

interface Seen {
  /** When this browser first showed the board of this room (ms). */
  readonly since: number;
  /** Thread id → the time (ms) of its newest message when it was last open here. */
  readonly threads: Readonly<Record<string, number>>;
}

const KEY = 'kuiper-wb-comments-seen:';

function load(key: string | undefined): Seen | undefined {
  if (!key) return undefined;
  try {
    const raw = globalThis.localStorage?.getItem(key);
    const value: unknown = raw ? JSON.parse(raw) : undefined;
    if (typeof value !== 'object' || value === null) return undefined;
    const { since, threads } = value as { since?: unknown; threads?: unknown };
    if (typeof since !== 'number' || typeof threads !== 'object' || threads === null) return undefined;
    const clean: Record<string, number> = {};
    for (const [id, at] of Object.entries(threads)) if (typeof at === 'number') clean[id] = at;
    return { since, threads: clean };
  } catch {
    return undefined; // no storage here, or someone else's text under our key
  }
}

function save(key: string | undefined, seen: Seen): void {
  try {
    if (key) globalThis.localStorage?.setItem(key, JSON.stringify(seen));
  } catch {
    // Storage full or forbidden: the marks live in memory only.
  }
}

export interface CommentsSeen {
  /** Since when a thread's messages are news (ms); undefined before the first effect. */
  seenAt(threadId: string): number | undefined;
  /** The thread is open: what it holds up to `newest` (ms) is seen. */
  markSeen(threadId: string, newest: number): void;
}

export function useCommentsSeen(roomId: string | undefined): CommentsSeen {
  const key = roomId === undefined ? undefined : KEY + roomId;
  const [seen, setSeen] = useState<Seen | undefined>(undefined);
  const latest = useRef(seen);
  latest.current = seen;
  useEffect(() => {
    const first = load(key) ?? { since: Date.now(), threads: {} };
    save(key, first);
    setSeen(first);
    // Another tab of this browser opened a thread: it is seen here too.
    const onStorage = (e: StorageEvent): void => {
      if (e.key !== key) return;
      const next = load(key);
      if (next) setSeen(next);
    };
    globalThis.addEventListener?.('storage', onStorage);
    return () => globalThis.removeEventListener?.('storage', onStorage);
  }, [key]);

  const seenAt = useCallback((threadId: string) => (seen ? (seen.threads[threadId] ?? seen.since) : undefined), [seen]);
  const markSeen = useCallback((threadId: string, newest: number) => {
    const current = latest.current;
    if (!current || (current.threads[threadId] ?? current.since) >= newest) return;
    const next = { since: current.since, threads: { ...current.threads, [threadId]: newest } };
    latest.current = next;
    save(key, next);
    setSeen(next);
  }, [key]);
  return { seenAt, markSeen };
}
