/**
 * What tabs sharing one connection say to each other over a BroadcastChannel. Every tab, the
 * leader's included, runs a KuiperClient over a TabSession that talks to the leader's hub this way;
 * only the hub talks to the server. Each message of the hub names its leader tab, so a tab can tell
 * a late message of a leader that has gone from one of the current leader.
 */
import type { Message } from '@kuiper/protocol';
import { KuiperClientError, type KuiperClientErrorCode } from '../errors.js';
import type { BatchPosition } from '../session-source.js';
import type { RetryInfo, Status } from '../status.js';

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly bayeuxError?: string | undefined;
}

export interface TabRequest {
  /** The message id, unique across tabs (`<tab>:<n>`); the reply carries it back. */
  readonly id: string;
  readonly message: Message;
  readonly timeout: number | undefined;
}

/** From a tab to the leader. `sync` is a candidate leader's own barrier; the hub ignores it. */
export type ToLeader =
  | { readonly kind: 'hello'; readonly tab: string }
  | { readonly kind: 'requests'; readonly tab: string; readonly requests: readonly TabRequest[] }
  | { readonly kind: 'bye'; readonly tab: string }
  | { readonly kind: 'sync'; readonly nonce: string };

export interface WireStatus {
  readonly status: Status;
  readonly transport: string | undefined;
  readonly retry?: RetryInfo | undefined;
  readonly error?: WireError | undefined;
}

/** From the leader to the tabs. */
export type FromLeader =
  | {
      readonly kind: 'leader';
      readonly leader: string;
      readonly clientId: string | undefined;
      readonly lastBatch: number | undefined;
      readonly state: WireStatus;
    }
  | { readonly kind: 'status'; readonly leader: string; readonly clientId: string | undefined; readonly state: WireStatus }
  | {
      readonly kind: 'connected';
      readonly leader: string;
      readonly clientId: string;
      readonly lastBatch: number | undefined;
      readonly resync: boolean;
      readonly resumed: boolean;
    }
  | { readonly kind: 'stopped'; readonly leader: string; readonly error: WireError }
  /** The leader is leaving (disconnect, or its tab is being hidden for good): wait for the next. */
  | { readonly kind: 'resign'; readonly leader: string }
  | {
      readonly kind: 'batch';
      readonly leader: string;
      readonly clientId: string | undefined;
      readonly position: BatchPosition | undefined;
      readonly messages: readonly Message[];
    }
  | {
      readonly kind: 'reply';
      readonly leader: string;
      readonly tab: string;
      readonly id: string;
      readonly reply?: Message | undefined;
      readonly error?: WireError | undefined;
    };

export type BusMessage = ToLeader | FromLeader;

export function toWireError(error: unknown): WireError {
  const e = error as { code?: unknown; message?: unknown; bayeuxError?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'connection_lost',
    message: typeof e.message === 'string' ? e.message : String(error),
    bayeuxError: typeof e.bayeuxError === 'string' ? e.bayeuxError : undefined,
  };
}

export function fromWireError(error: WireError): KuiperClientError {
  return new KuiperClientError(error.code as KuiperClientErrorCode, error.message, error.bayeuxError ? { bayeuxError: error.bayeuxError } : {});
}

/** The minimal BroadcastChannel surface used; the DOM's and Node's both fit. */
export interface BusChannel {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

export type BusConstructor = new (name: string) => BusChannel;
