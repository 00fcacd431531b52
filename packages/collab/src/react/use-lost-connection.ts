/**
 * [REACT-14] `useLostConnectionListener(fn, { lostAfterMs })`: the provider's client watched with
 * `watchLostConnection` while the component is mounted — `lost` once a drop has lasted, `restored`
 * when it ends, `failed` when the client gives up. For a banner or a toast, not for the status badge
 * (`useStatus` re-renders at every change). The listener is kept in a ref: a re-render never
 * restarts the watch, so a drop already being timed is not forgotten.
 */
import { useEffect, useRef } from 'react';
import { type LostConnectionEvent, watchLostConnection } from '../client/lost-connection.js';
import { useClient } from './kuiper-provider.js';

export interface LostConnectionListenerOptions {
  /** How long the client may be reconnecting before it counts as lost (default 5000 ms). */
  readonly lostAfterMs?: number;
}

export function useLostConnectionListener(fn: (event: LostConnectionEvent) => void, options: LostConnectionListenerOptions = {}): void {
  const client = useClient();
  const fnRef = useRef(fn);
  useEffect(() => {
    fnRef.current = fn;
  });
  const lostAfterMs = options.lostAfterMs;
  useEffect(() => {
    if (!client) return;
    return watchLostConnection(client, (event) => fnRef.current(event), lostAfterMs === undefined ? {} : { lostAfterMs });
  }, [client, lostAfterMs]);
}
