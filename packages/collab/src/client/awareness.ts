/**
 * [COLLAB-46] A y-protocols `Awareness` over a room's presence, so the editor bindings of the Yjs
 * ecosystem show each other's carets and selections through Kuiper: Tiptap's Collaboration Caret,
 * y-prosemirror's cursor plugin, y-codemirror.next, y-quill, y-monaco all take an `Awareness` (or a
 * "provider" holding one) beside the `Y.Doc`.
 *
 * Kuiper's presence is the source of truth, not awareness's own protocol: the local state travels
 * as one presence field (`awareness: { clientID, state }`, throttled, latest wins, COLLAB-8), and the
 * others' states are exactly the presence entries that carry one. So a member who leaves, drops or
 * is pruned disappears from awareness when presence says so (COLLAB-26), with no 30-second timeout
 * of its own, and nothing in awareness's binary wire format is needed.
 */
import { equalityDeep } from 'lib0/function';
import { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { PresenceEntry, PresenceState } from '../core/presence-state.js';
import type { Json, PresenceData } from '../protocol/messages.js';

/** The presence field the awareness state travels in. */
export const AWARENESS_FIELD = 'awareness';
/** The origin of the changes this bridge makes to the others' states (not `'local'`). */
export const AWARENESS_ORIGIN = 'kuiper-presence';

/** What the bridge needs of a room: `Room` from `enterRoom` / `useRoom()` fits. */
export interface AwarenessRoom {
  readonly doc: Y.Doc;
  readonly presence: PresenceState;
}

export interface AwarenessOptions {
  /**
   * How often the others' states are marked fresh (ms; default 10,000). y-protocols drops a remote
   * state not renewed for 30 s; here presence says who is gone, so the states it holds are renewed
   * before that can happen.
   */
  keepAliveMs?: number;
}

type AwarenessState = { [key: string]: unknown };

/** A peer's `{ clientID, state }` from its presence entry, or undefined if it has none (or a malformed one). */
function readPeer(entry: PresenceEntry): { clientID: number; state: AwarenessState } | undefined {
  const field = entry.state[AWARENESS_FIELD];
  if (typeof field !== 'object' || field === null || Array.isArray(field)) return undefined;
  const { clientID, state } = field as { clientID?: unknown; state?: unknown };
  if (typeof clientID !== 'number' || !Number.isSafeInteger(clientID) || clientID < 0) return undefined;
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  return { clientID, state: state as AwarenessState };
}

/**
 * A new `Awareness` for `room`: its local state is this member's, the others' come from presence.
 * Make one per room and editor set, and `destroy()` it when done (that clears this member's state
 * for everyone and stops its timers).
 */
export function createAwareness(room: AwarenessRoom, options: AwarenessOptions = {}): Awareness {
  const awareness = new Awareness(room.doc);
  const { presence } = room;

  // Local → presence: every change of our own state (what the editor sets: cursor, user).
  const publish = (): void => {
    const state = awareness.getLocalState();
    // A JSON round trip: an editor's state is plain data, and presence carries JSON only.
    const value: Json = state === null ? null : (JSON.parse(JSON.stringify({ clientID: awareness.clientID, state })) as Json);
    presence.set({ [AWARENESS_FIELD]: value } satisfies PresenceData);
  };
  const onLocal = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === AWARENESS_ORIGIN) return;
    if ([...added, ...updated, ...removed].includes(awareness.clientID)) publish();
  };
  awareness.on('change', onLocal);

  // Presence → the others' states: presence's entries are the whole truth each time.
  const sync = (): void => {
    const seen = new Map<number, AwarenessState>();
    for (const entry of presence.others()) {
      const peer = readPeer(entry);
      if (peer && peer.clientID !== awareness.clientID) seen.set(peer.clientID, peer.state);
    }
    const added: number[] = [], updated: number[] = [], removed: number[] = [];
    const now = Date.now();
    for (const [clientID, state] of seen) {
      const before = awareness.states.get(clientID);
      if (before === undefined) added.push(clientID);
      else if (!equalityDeep(before, state)) updated.push(clientID);
      else continue;
      awareness.states.set(clientID, state);
      awareness.meta.set(clientID, { clock: (awareness.meta.get(clientID)?.clock ?? 0) + 1, lastUpdated: now });
    }
    for (const clientID of awareness.states.keys()) {
      if (clientID !== awareness.clientID && !seen.has(clientID)) {
        awareness.states.delete(clientID);
        removed.push(clientID);
      }
    }
    if (added.length + updated.length + removed.length === 0) return;
    const changes = { added, updated, removed };
    awareness.emit('change', [changes, AWARENESS_ORIGIN]);
    awareness.emit('update', [changes, AWARENESS_ORIGIN]);
  };
  const offPresence = presence.subscribe(sync);

  const keepAlive = setInterval(() => {
    const now = Date.now();
    for (const clientID of awareness.states.keys()) {
      const meta = awareness.meta.get(clientID);
      if (clientID !== awareness.clientID && meta) awareness.meta.set(clientID, { ...meta, lastUpdated: now });
    }
  }, options.keepAliveMs ?? 10_000);
  // A timer must not keep a Node process (a server-side member, a test) alive.
  (keepAlive as { unref?: () => void }).unref?.();

  awareness.on('destroy', () => {
    clearInterval(keepAlive);
    offPresence();
    awareness.off('change', onLocal);
    presence.set({ [AWARENESS_FIELD]: null });
  });
  publish();
  sync();
  return awareness;
}
