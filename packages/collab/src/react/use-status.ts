/** The connection status as a union [REACT-4], read through the client's cached status snapshot (CLI-35). */
import type { Status, StatusSnapshot } from '@kuiper/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useClient } from './kuiper-provider.js';

/** Before a client exists (a server render, a `url` provider's first render) it is connecting. */
const NO_CLIENT: StatusSnapshot = Object.freeze({ status: 'connecting', transport: undefined, clientId: undefined, error: undefined });
const noClient = (): StatusSnapshot => NO_CLIENT;
const never = (): (() => void) => () => undefined;

/** The whole status snapshot: status, transport, clientId, error; the same object until one changes. */
export function useStatusSnapshot(): StatusSnapshot {
  const client = useClient();
  const subscribe = useCallback((onChange: () => void) => (client ? client.subscribeStatus(onChange) : never()), [client]);
  const get = useCallback(() => (client ? client.getStatusSnapshot() : NO_CLIENT), [client]);
  return useSyncExternalStore(subscribe, get, noClient);
}

/** `connecting` | `connected` | `reconnecting` | `disconnected`; re-renders only when it changes. */
export function useStatus(): Status {
  return useStatusSnapshot().status;
}
