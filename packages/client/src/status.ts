/** The observable connection status: a small store with listeners, errors in listeners isolated. */
export type Status = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface RetryInfo {
  /** Consecutive failures so far, 0 for the first retry. */
  readonly attempt: number;
  /** How long the client waits before this retry, in ms. */
  readonly delayMs: number;
  /** What is retried: the handshake or the /meta/connect. */
  readonly action: 'handshake' | 'connect';
  readonly reason: string;
}

export interface StatusEvent {
  readonly status: Status;
  readonly previous: Status;
  /** The transport in use (or being tried), e.g. `websocket`. */
  readonly transport: string | undefined;
  /** Set when the event announces a scheduled retry. */
  readonly retry?: RetryInfo;
  /** Set when the client stopped because of an error. */
  readonly error?: Error;
}

export type StatusListener = (event: StatusEvent) => void;

export class StatusStore {
  private current: Status = 'connecting';
  private transportName: string | undefined;
  private readonly listeners = new Set<StatusListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  get status(): Status {
    return this.current;
  }

  get transport(): string | undefined {
    return this.transportName;
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits when the status or transport changes, or when a retry is announced. */
  set(status: Status, transport: string | undefined, extra: { retry?: RetryInfo; error?: Error } = {}): void {
    const previous = this.current;
    if (previous === status && transport === this.transportName && !extra.retry && !extra.error) return;
    this.current = status;
    this.transportName = transport;
    const event: StatusEvent = { status, previous, transport, ...extra };
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

/** Everything the status pair exposes, immutable: a new object only when one field changed. */
export interface StatusSnapshot {
  readonly status: Status;
  readonly transport: string | undefined;
  readonly clientId: string | undefined;
  /** Why the client stopped, when it stopped on its own. */
  readonly error: Error | undefined;
}

/** The cached snapshot when nothing changed (so `useSyncExternalStore` sees the same reference). */
export function nextSnapshot(cached: StatusSnapshot | undefined, current: StatusSnapshot): StatusSnapshot {
  if (
    cached &&
    cached.status === current.status &&
    cached.transport === current.transport &&
    cached.clientId === current.clientId &&
    cached.error === current.error
  ) {
    return cached;
  }
  return Object.freeze({ ...current });
}

/** A (re)connection: whether it continued the same server session (CLI-35). */
export interface SessionEvent {
  readonly clientId: string;
  /** True: same server session, nothing missed. False: a new handshake; state may have been missed. */
  readonly resumed: boolean;
}

export type SessionListener = (event: SessionEvent) => void;
