/**
 * [COLLAB-44] `onStored`: the app hears every update a room stores, as Hocuspocus's onChange /
 * onStoreDocument hooks and Liveblocks' `ydocUpdated` webhook let it — to index a document, mirror it
 * into its own database, or notify someone. The rooms' store, seen through this wrapper: each append
 * that succeeded is told after it is durable, with its seq. Only the room's authority appends, so
 * across nodes every update is told once, on one node. The hook can neither delay nor fail a store.
 */
import type { DocumentStore } from '../core/store.js';

export interface StoredEvent {
  readonly room: string;
  /** The stored Yjs update: one edit, or a group-committed batch of them (COLLAB-36). */
  readonly update: Uint8Array;
  /** Its place in the room's log (COLLAB-14). */
  readonly seq: number;
}

export type OnStored = (event: StoredEvent) => void | Promise<void>;

/** `store` with `appendUpdate` told to `onStored`; every other member is the store's own. */
export function observedStore(store: DocumentStore, onStored: OnStored, report: (error: unknown) => void): DocumentStore {
  const appendUpdate = async (room: string, update: Uint8Array): Promise<number> => {
    const seq = await store.appendUpdate(room, update);
    try {
      void Promise.resolve(onStored({ room, update, seq })).catch(report);
    } catch (error) {
      report(error);
    }
    return seq;
  };
  return withMethods(store, { appendUpdate });
}

/**
 * `store` with some of its methods replaced. A Proxy, not a copy: stores keep private state
 * (#fields) their own methods need `this` for.
 */
export function withMethods(store: DocumentStore, methods: Partial<DocumentStore>): DocumentStore {
  return new Proxy(store, {
    get(target, key) {
      if (Object.hasOwn(methods, key)) return methods[key as keyof DocumentStore];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
