/**
 * [COLLAB-38] A room that waits for the server and hears nothing asks again.
 *
 * A sync step 1 or an update can be accepted by the node a member talks to and still never reach
 * the room's authority: on several nodes, a member whose subscribe lands on one node while the
 * authority is loading the room on another has its relayed handshake published before anyone
 * listens. Without the ack extension nothing else notices; the member would wait forever. So while
 * the member is `synchronizing` (handshake unanswered, or an edit not yet acknowledged), a silence
 * of `delayMs` from the room starts the handshake again — Yjs makes the repeat harmless, and the
 * server answers only what the member lacks. The delay doubles up to a minute while nothing changes
 * (a server that is slow, not deaf, is not flooded), and each chunk of a large reply postpones it,
 * so a reply arriving in chunks is never asked for twice (other traffic, presence in a busy room,
 * says nothing about the handshake and does not).
 */
import type { Clock, TimerHandle } from '../core/clock.js';

export interface SyncWatchdogInput {
  readonly clock: Clock;
  readonly delayMs: number;
  /** True while the member waits for the server (its sync status is `synchronizing`). */
  waiting(): boolean;
  /** False while the client is not connected: asking then would only fail. */
  connected(): boolean;
  retry(): void;
}

const MAX_DELAY_MS = 60_000;

export interface SyncWatchdog {
  /** The member started waiting (its status turned `synchronizing`), or the room just entered. */
  arm(): void;
  /** A chunk of the server's reply arrived: it is not deaf, wait a full delay again. */
  heard(): void;
  /** The member is `synchronized`: stop, and start from the first delay next time. */
  settle(): void;
  stop(): void;
}

export function syncWatchdog(input: SyncWatchdogInput): SyncWatchdog {
  let delay = input.delayMs;
  let timer: TimerHandle | undefined;
  let stopped = false;
  /** When a chunk of the reply last arrived: it only notes the time, the timer then waits the rest. */
  let lastHeard = 0;
  const clear = (): void => {
    if (timer !== undefined) input.clock.clearTimeout(timer);
    timer = undefined;
  };
  const schedule = (ms: number): void => {
    clear();
    if (!stopped) timer = input.clock.setTimeout(fire, ms);
  };
  const fire = (): void => {
    timer = undefined;
    if (stopped || !input.waiting()) return;
    const quiet = input.clock.now() - lastHeard;
    if (quiet < delay) return schedule(delay - quiet);
    if (input.connected()) input.retry();
    delay = Math.min(delay * 2, MAX_DELAY_MS);
    schedule(delay);
  };
  return {
    arm: () => {
      if (timer === undefined && input.waiting()) schedule(delay);
    },
    heard: () => {
      lastHeard = input.clock.now();
    },
    settle: () => {
      clear();
      delay = input.delayMs;
    },
    stop: () => {
      stopped = true;
      clear();
    },
  };
}
