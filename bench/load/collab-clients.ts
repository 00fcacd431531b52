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

export interface CollabMember {
  doc: Y.Doc;
  /** Resolves once the client reports its first sync with the server. */
  synced: Promise<void>;
  close(): Promise<void>;
}

/** The server's ws:// origin from the http://…/bayeux URL every bench server reports. */
const wsOrigin = (url: string): string => `ws://${new URL(url).host}`;

export function joinRoom(server: ServerKind, url: string, roomId: string): CollabMember {
  if (server === 'kuiper') {
    const client = createClient(url);
    const room = enterRoom(client, roomId);
    return {
      doc: room.doc,
      synced: room.synced,
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
      async close() {
        provider.destroy();
        socket.destroy();
      },
    };
  }
  if (server === 'y-websocket') {
    // disableBc: BroadcastChannel exists in Node 20 and would let members in this one process sync
    // with each other without the server.
    const provider = new WebsocketProvider(wsOrigin(url), roomId, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, disableBc: true });
    const synced = new Promise<void>((resolve) => {
      if (provider.synced) resolve();
      else provider.once('sync', () => resolve());
    });
    return {
      doc,
      synced,
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
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
