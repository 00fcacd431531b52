/**
 * What a `BayeuxCore` is built with: the advice it hands out, its services, pipeline, policy and
 * limits. Apart from core.ts so the options and their defaults read on their own.
 */
import type { Message } from '@kuiper/protocol';
import { MAX_CLIENT_ID_LENGTH } from './codec.js';
import type { ExtensionPipeline } from './extension.js';
import type { LifecycleHooks } from './lifecycle.js';
import type { Authorizers, SecurityPolicy, SessionInfo } from './security.js';

export interface AdviceOptions {
  /** How long a /meta/connect is held, ms (CometD's default 30000). */
  timeout: number;
  /** How long the client waits between connects, ms (default 0). */
  interval: number;
  /** How long a session lives without a connect, ms (default 10000). */
  maxInterval: number;
}

export interface ServiceContext {
  clientId: string;
  message: Message;
  /** [LIFE-7] The caller's session as the security policy left it at handshake (not from the message). */
  session: SessionInfo;
}

/** A `/service/**` handler: its return value (if not undefined) goes back to the sender only. */
export type ServiceHandler = (data: unknown, ctx: ServiceContext) => unknown;

export interface CoreLimits {
  /** Most subscriptions one session may hold. */
  maxSubscriptions: number;
  /** Largest published message (serialised delivery), bytes. */
  maxMessageBytes: number;
  /** [LIMIT-9] Longest clientId a message may carry, characters. */
  maxClientIdLength: number;
}

export interface CoreOptions extends AdviceOptions {
  /** Connection types enabled on this server, as listed in handshake replies. */
  connectionTypes: () => string[];
  services: ReadonlyMap<string, ServiceHandler>;
  extensions?: ExtensionPipeline;
  policy?: SecurityPolicy;
  authorizers?: Authorizers;
  limits?: Partial<CoreLimits>;
  /** The room lifecycle hooks: a subscribe waits for its channel's hooks in flight (LIFE-2). */
  lifecycle?: Pick<LifecycleHooks, 'settled'>;
}

export const DEFAULT_LIMITS: CoreLimits = { maxSubscriptions: 1000, maxMessageBytes: 256 * 1024, maxClientIdLength: MAX_CLIENT_ID_LENGTH };
