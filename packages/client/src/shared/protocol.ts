/**
 * What tabs sharing one connection say to each other over a BroadcastChannel. Every tab, the
 * leader's included, talks to the leader's hub the same way; only the hub talks to the server.
 */
import type { Message } from '../message.js';
import type { Status } from '../status.js';

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly bayeuxError?: string | undefined;
}

export interface TabRequest {
  readonly id: string;
  readonly op: 'publish' | 'call';
  readonly channel: string;
  readonly data: unknown;
  readonly timeout?: number | undefined;
}

/** From a tab to the leader. */
export type ToLeader =
  | { readonly kind: 'hello'; readonly tab: string }
  | { readonly kind: 'subscribe'; readonly tab: string; readonly pattern: string }
  | { readonly kind: 'unsubscribe'; readonly tab: string; readonly pattern: string }
  | { readonly kind: 'requests'; readonly tab: string; readonly requests: readonly TabRequest[] }
  | { readonly kind: 'bye'; readonly tab: string };

export interface LeaderState {
  readonly leader: string;
  readonly status: Status;
  readonly transport: string | undefined;
  readonly clientId: string | undefined;
  readonly error?: WireError | undefined;
}

/** From the leader to the tabs. */
export type FromLeader =
  | ({ readonly kind: 'leader' } & LeaderState)
  | ({ readonly kind: 'status' } & LeaderState)
  | { readonly kind: 'deliver'; readonly pattern: string; readonly data: unknown; readonly message: Message }
  | { readonly kind: 'subscribed'; readonly tab: string; readonly pattern: string; readonly error?: WireError | undefined }
  | { readonly kind: 'reply'; readonly tab: string; readonly id: string; readonly value?: unknown; readonly error?: WireError | undefined };

export type BusMessage = ToLeader | FromLeader;

export function toWireError(error: unknown): WireError {
  const e = error as { code?: unknown; message?: unknown; bayeuxError?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'connection_lost',
    message: typeof e.message === 'string' ? e.message : String(error),
    bayeuxError: typeof e.bayeuxError === 'string' ? e.bayeuxError : undefined,
  };
}

/** The minimal BroadcastChannel surface used; the DOM's and Node's both fit. */
export interface BusChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

export type BusConstructor = new (name: string) => BusChannel;
