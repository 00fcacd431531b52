/**
 * The room's document and a hook for one shared type [REACT-6]: a `Y.Map`, `Y.Array` or `Y.Text`
 * read as a plain snapshot (object, array, string) that is rebuilt only after the type or anything
 * inside it changed, so `useSyncExternalStore` sees the same value between changes.
 */
import { useCallback, useRef, useSyncExternalStore } from 'react';
import * as Y from 'yjs';
import { useRoom } from './room-provider.js';

/** The room's `Y.Doc`, or null until the room is entered. */
export function useDocument(): Y.Doc | null {
  return useRoom()?.doc ?? null;
}

type Snapshot<T> = T extends Y.Text ? string : T extends Y.Array<infer V> ? V[] : T extends Y.Map<infer V> ? Record<string, V> : never;
// `any`: Y.Map<string> must fit (Yjs' types are invariant in their value); the snapshot type is exact.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Shared = Y.Text | Y.Array<any> | Y.Map<any>;

function read(type: Shared): unknown {
  return type instanceof Y.Text ? type.toString() : type.toJSON();
}

const never = (): (() => void) => () => undefined;

/** A snapshot of `type` (undefined while `type` is); nested shared types appear as their JSON. */
export function useYjs<T extends Shared>(type: T | null | undefined): Snapshot<T> | undefined {
  const cache = useRef<{ type: Shared; value: unknown } | undefined>(undefined);
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!type) return never();
      const changed = (): void => {
        cache.current = undefined;
        onChange();
      };
      type.observeDeep(changed);
      // An edit between render and this subscription fired no observer: read afresh once.
      cache.current = undefined;
      return () => type.unobserveDeep(changed);
    },
    [type],
  );
  const get = useCallback((): unknown => {
    if (!type) return undefined;
    if (cache.current?.type !== type) cache.current = { type, value: read(type) };
    return cache.current.value;
  }, [type]);
  return useSyncExternalStore(subscribe, get, get) as Snapshot<T> | undefined;
}
