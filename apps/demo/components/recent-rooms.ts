/**
 * [DEMO-28] The rooms this browser visited, newest first, remembered in localStorage: the lobby's
 * live list shows only rooms with people in them, so a room everyone has left would otherwise be
 * found again only by its address.
 */
export interface RecentRoom {
  readonly id: string;
  /** Last visited through a view-only link (DEMO-21): the lobby's link opens it so again. */
  readonly view: boolean;
  readonly at: number;
}

const KEY = 'kuiper-demo:recent-rooms';
export const MAX_RECENT = 8;

const isRecent = (r: unknown): r is RecentRoom => {
  const o = r as Partial<RecentRoom> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.view === 'boolean' && typeof o.at === 'number';
};

/** What was remembered; anything unreadable (another version's, edited by hand) counts as nothing. */
export function readRecentRooms(storage: Pick<Storage, 'getItem'>): RecentRoom[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isRecent).slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/**
 * `id` visited now: first in the list, once, the oldest past MAX_RECENT forgotten. A storage that
 * refuses the write (full, or a private window's) only means the lobby will not list it: the room
 * page must not fail for it.
 */
export function rememberRoom(storage: Pick<Storage, 'getItem' | 'setItem'>, id: string, view: boolean, at = Date.now()): void {
  const rest = readRecentRooms(storage).filter((r) => r.id !== id);
  try {
    storage.setItem(KEY, JSON.stringify([{ id, view, at }, ...rest].slice(0, MAX_RECENT)));
  } catch {
    // nothing to do: see above
  }
}
