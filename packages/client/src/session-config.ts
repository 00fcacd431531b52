/** What a `Session` is built with: the client's options, resolved (see options.ts). */
import type { BackoffOptions } from './backoff.js';
import type { Logger } from './logger.js';
import type { TransportEnv, TransportFactory } from './transport.js';

export interface SessionConfig {
  readonly url: string;
  /** Usable transports, most preferred first. */
  readonly transports: readonly TransportFactory[];
  readonly env: TransportEnv;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  readonly requestTimeout: number;
  readonly openTimeout: number;
  readonly handshakeExt: (() => Record<string, unknown> | undefined) | undefined;
  /** Ask for the server's ack extension (exactly-once, in-order delivery across dropped connections). */
  readonly ack: boolean;
  /** After a fallback, try the preferred transport again this long after; 0 never. */
  readonly upgradeInterval: number;
  /**
   * Continue a server session instead of handshaking: a tab taking over a shared connection
   * (CLI-36) connects with the old leader's clientId and the last batch it saw as `ext.ack`.
   */
  readonly resume?: { readonly clientId: string; readonly ack: number | undefined } | undefined;
}
