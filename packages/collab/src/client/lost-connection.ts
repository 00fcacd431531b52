/**
 * [COLLAB-45] When to tell a person the connection is gone. A client reconnects by itself, and most
 * drops last a second or two (a server restart, a Wi-Fi hand-over): a banner for each would be
 * noise, and the status badge already says "Reconnecting". What a person needs is to hear once the
 * drop has lasted (`lost`: "your edits are kept here and will sync when you are back"), then that it
 * is over (`restored`), or that it will not be (`failed`: the client stopped and will not retry).
 * Liveblocks' lost-connection listener has the same three events.
 */
import type { KuiperClient, StatusEvent } from '@kuiper/client';
import { type Clock, type TimerHandle, systemClock } from '../core/clock.js';

export type LostConnectionEvent = 'lost' | 'restored' | 'failed';

export interface LostConnectionOptions {
  /** How long the client may be reconnecting before it counts as lost (default 5000 ms). */
  readonly lostAfterMs?: number;
  readonly clock?: Clock;
}

export const DEFAULT_LOST_AFTER_MS = 5000;

/** What is read of the client: its status events. */
export type StatusSource = Pick<KuiperClient, 'onStatus' | 'status'>;

/**
 * Calls `listener` with `lost` once the client has been reconnecting for `lostAfterMs` after being
 * connected, `restored` when it connects again after a `lost`, and `failed` when it stops on an error
 * after having connected (not when the app disconnects it). The first connection is not watched: a
 * page that never connected is still loading. Returns the function that stops watching.
 */
export function watchLostConnection(client: StatusSource, listener: (event: LostConnectionEvent) => void, options: LostConnectionOptions = {}): () => void {
  const clock = options.clock ?? systemClock;
  const lostAfterMs = options.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
  if (!(lostAfterMs >= 0)) throw new RangeError('watchLostConnection: lostAfterMs must be a number of milliseconds, 0 or more');
  let everConnected = client.status === 'connected';
  let lost = false;
  let timer: TimerHandle | undefined;
  const stopTimer = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
  const onStatus = (event: StatusEvent): void => {
    if (event.status === 'connected') {
      everConnected = true;
      stopTimer();
      if (lost) {
        lost = false;
        listener('restored');
      }
      return;
    }
    if (!everConnected) return;
    if (event.status === 'disconnected') {
      stopTimer();
      // An error means the client gave up by itself; none means the app let it go on purpose.
      if (event.error) listener('failed');
      lost = false;
      return;
    }
    // reconnecting (or connecting again): start counting from the drop, once.
    if (timer === undefined && !lost) {
      timer = clock.setTimeout(() => {
        timer = undefined;
        lost = true;
        listener('lost');
      }, lostAfterMs);
    }
  };
  const off = client.onStatus(onStatus);
  return () => {
    off();
    stopTimer();
  };
}
