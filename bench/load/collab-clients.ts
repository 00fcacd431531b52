// One Yjs room member through each server's own client: Kuiper's enterRoom over createClient,
// Hocuspocus's HocuspocusProvider, y-websocket's WebsocketProvider — each with `ws` as its
// WebSocket in Node. The workload code above this sees only a Y.Doc and a synced promise.
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { createClient } from '@kuiper/client';
import { enterRoom } from '@kuiper/collab';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { ServerKind } from '../ipc-messages.ts';

/** A cursor as the presence case sends it: who sent it and its sequence number. A type, not an
 * interface, so it is assignable to Kuiper's JSON presence state. */
export type Cursor = { s: number; q: number; x: number; y: number };

/** The part of y-protocols' Awareness both Yjs clients expose that the presence case reads. */
interface Awareness {
  clientID: number;
  getStates(): Map<number, unknown>;
  on(event: 'change', fn: (change: { added: number[]; updated: number[] }) => void): void;
}

export interface CollabMember {
  doc: Y.Doc;
  /** Resolves once the client reports its first sync with the server. */
  synced: Promise<void>;
  /** This connection's presence (Kuiper) or awareness (Yjs servers) state: `{ cursor }`. */
  setCursor(cursor: Cursor): void;
  /** Calls `fn` with every other member's cursor as this client learns of it. */
  onCursor(fn: (cursor: Cursor) => void): void;
  close(): Promise<void>;
}

const isCursor = (v: unknown): v is Cursor => typeof v === 'object' && v !== null && typeof (v as Cursor).s === 'number' && typeof (v as Cursor).q === 'number';

/** Awareness (y-protocols) as both Yjs clients expose it: cursors of changed remote states. */
function awarenessCursors(awareness: Awareness, fn: (cursor: Cursor) => void): void {
  awareness.on('change', ({ added, updated }) => {
    for (const id of [...added, ...updated]) {
      if (id === awareness.clientID) continue;
      const cursor = (awareness.getStates().get(id) as { cursor?: unknown } | undefined)?.cursor;
      if (isCursor(cursor)) fn(cursor);
    }
  });
}

/** The server's ws:// origin from the http://…/bayeux URL every bench server reports. */
const wsOrigin = (url: string): string => `ws://${new URL(url).host}`;

export function joinRoom(server: ServerKind, url: string, roomId: string): CollabMember {
  if (server === 'kuiper') {
    // As @kuiper/collab's README recommends: rooms re-sync by state vector after a drop (COLLAB-25),
    // and without ack deliveries leave on the WebSocket as queued, not one per /meta/connect round trip.
    const client = createClient(url, { ack: false });
    const room = enterRoom(client, roomId);
    return {
      doc: room.doc,
      synced: room.synced,
      setCursor: (cursor) => room.presence.set({ cursor }),
      onCursor(fn) {
        room.presence.subscribe((event) => {
          const cursor = event.type === 'leave' ? undefined : (event.state as { cursor?: unknown } | undefined)?.cursor;
          if (isCursor(cursor)) fn(cursor);
        });
      },
      async close() {
        room.leave();
        await client.disconnect();
      },
    };
  }
  const doc = new Y.Doc();
  if (server === 'hocuspocus') {
    const socket = new HocuspocusProviderWebsocket({ url: wsOrigin(url), WebSocketPolyfill: WebSocket });
    const provider = new HocuspocusProvider({ websocketProvider: socket, name: roomId, document: doc });
    // Given a shared socket, Hocuspocus 3 leaves attaching to the caller.
    provider.attach();
    const synced = new Promise<void>((resolve) => {
      if (provider.isSynced) resolve();
      else provider.on('synced', () => resolve());
    });
    return {
      doc,
      synced,
      setCursor: (cursor) => provider.setAwarenessField('cursor', cursor),
      onCursor(fn) {
        if (provider.awareness) awarenessCursors(provider.awareness, fn);
      },
      async close() {
        provider.destroy();
        socket.destroy();
      },
    };
  }
  if (server === 'y-websocket') {
    // disableBc: BroadcastChannel exists in Node 20 and would let members in this one process sync
    // with each other without the server.
    // Each WebsocketProvider adds a process 'exit' listener (to clear its awareness) until destroyed:
    // one load generator holds up to 1,000 of them, which is by design, not a leak. Counted so Node's
    // MaxListenersExceededWarning stays meaningful for anything else.
    process.setMaxListeners(Math.max(process.getMaxListeners(), process.listenerCount('exit') + 11));
    const provider = new WebsocketProvider(wsOrigin(url), roomId, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
    const synced = new Promise<void>((resolve) => {
      if (provider.synced) resolve();
      else provider.once('sync', () => resolve());
    });
    return {
      doc,
      synced,
      setCursor: (cursor) => provider.awareness.setLocalStateField('cursor', cursor),
      onCursor: (fn) => awarenessCursors(provider.awareness, fn),
      async close() {
        provider.destroy();
      },
    };
  }
  throw new Error(`${server} is not a collaboration server`);
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Deterministic PRNG (mulberry32), so every server gets the same documents and edit positions. */
export { seeded } from '../../packages/testkit/src/seeded.ts';
