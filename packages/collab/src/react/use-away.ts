/**
 * [REACT-17] `useAway({ hiddenMs, idleMs })`: the provider's room says `away` in its presence while
 * this page is hidden or untouched (COLLAB-49), for as long as the component is mounted. `<Chat>`'s
 * "Who is here" greys a member who is away; `isAway(state)` reads it for a list of your own.
 */
import { useEffect } from 'react';
import { watchAway, type AwayOptions } from '../client/away.js';
import { useRoomIfAny } from './room-provider.js';

export function useAway(options: Pick<AwayOptions, 'hiddenMs' | 'idleMs'> = {}): void {
  const room = useRoomIfAny();
  const { hiddenMs, idleMs } = options;
  useEffect(() => {
    if (!room) return;
    return watchAway(room.presence, { ...(hiddenMs === undefined ? {} : { hiddenMs }), ...(idleMs === undefined ? {} : { idleMs }) });
  }, [room, hiddenMs, idleMs]);
}
