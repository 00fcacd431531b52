/**
 * createClient: the public Bayeux client. Subscriptions, publishes, service calls and the publish
 * queue live here; the session (session.ts) owns the protocol exchange underneath.
 */
import { defaultEnv } from '#globals';
import type { BackoffOptions } from './backoff.js';
import { isValidChannel, isWildcard } from './channel-name.js';
import { KuiperClientError, bayeuxFailure } from './errors.js';
import { createLogger, type LogLevel, type LogSink } from './logger.js';
import { META, isMetaChannel, isServiceChannel, type Message } from './message.js';
import { PublishQueue } from './publish-queue.js';
import { Session } from './session.js';
import type { Status, StatusListener } from './status.js';
import { Subscriptions, type MessageHandler, type Subscription, type SubscriptionEntry } from './subscriptions.js';
import { getTransport, type FetchLike, type TransportFactory, type WebSocketConstructor } from './transport.js';
import { DEFAULT_TRANSPORTS } from './transports/index.js';
import { createTypedChannel, type StandardSchemaV1, type TypedChannel, type TypedChannelOptions } from './typed-channel.js';

export interface ClientOptions {
  /** Transports in preference order, by registered name or as factories. Default websocket, long-polling, callback-polling. */
  transports?: ReadonlyArray<string | TransportFactory>;
  /** WebSocket constructor; default the global one (browsers) or `ws` (Node). */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; default the global one. */
  fetch?: FetchLike;
  /** Reconnect backoff; see backoffDelay. */
  backoff?: BackoffOptions;
  /** How long to wait for a reply (beyond the advised hold for /meta/connect). Default 10 000 ms. */
  requestTimeout?: number;
  /** How long a transport may take to open before the next one is tried. Default 3 000 ms. */
  openTimeout?: number;
  /** After falling back, try the preferred transport again after this many ms; 0 never. Default 60 000. */
  upgradeInterval?: number;
  /** Publishes and calls that may wait while not connected. Default 100. */
  maxQueue?: number;
  /**
   * Use the server's ack extension when it offers one: every message exactly once, in order, across
   * dropped connections (deliveries then ride on connect replies only). Default true.
   */
  ack?: boolean;
  /** `ext` for the handshake (credentials, for example); a function is called at each handshake. */
  ext?: Record<string, unknown> | (() => Record<string, unknown> | undefined);
  /** Logging threshold; default `KUIPER_LOG` or silent. */
  log?: LogLevel;
  logSink?: LogSink;
  onStatus?: StatusListener;
  onError?: (error: Error) => void;
}


export interface CallOptions {
  /** Default: the client's requestTimeout. */
  timeout?: number;
}

export type { Subscription };

export interface KuiperClient {
  readonly url: string;
  readonly status: Status;
  /** Name of the transport in use (or being tried). */
  readonly transport: string | undefined;
  readonly clientId: string | undefined;
  /** Why the client stopped, when it stopped on its own. */
  readonly error: KuiperClientError | undefined;
  onStatus(listener: StatusListener): () => void;
  onError(listener: (error: Error) => void): () => void;
  /** Resolves once connected (at once if already); rejects if the client stops first. */
  whenConnected(): Promise<void>;
  subscribe<T = unknown>(channel: string, handler: MessageHandler<T>): Subscription;
  publish(channel: string, data: unknown): Promise<void>;
  call<T = unknown>(channel: string, data: unknown, options?: CallOptions): Promise<T>;
  batch(fn: () => void): void;
  channel<P extends string, S extends StandardSchemaV1>(pattern: P, schema: S, options?: TypedChannelOptions): TypedChannel<P, S>;
  disconnect(): Promise<void>;
}

interface CallWaiter {
  readonly id: string;
  resolve(data: unknown): void;
  reject(error: Error): void;
}

/** A reply refused because the server no longer knows the session (`402::session_unknown`). */
function sessionGone(reply: Message): boolean {
  return reply.advice?.reconnect === 'handshake' || (reply.error ?? '').startsWith('402:');
}

function resolveTransports(list: ReadonlyArray<string | TransportFactory>): TransportFactory[] {
  return list.map((item) => {
    if (typeof item !== 'string') return item;
    const factory = getTransport(item);
    if (!factory) throw new KuiperClientError('no_transport', `unknown transport "${item}"`);
    return factory;
  });
}

export function createClient(url: string, options: ClientOptions = {}): KuiperClient {
  const logger = createLogger('kuiper:client', options.log, options.logSink);
  const base = defaultEnv();
  const env = { ...base, fetch: options.fetch ?? base.fetch, WebSocket: options.WebSocket ?? base.WebSocket };
  const usable = resolveTransports(options.transports ?? DEFAULT_TRANSPORTS).filter((t) => t.isUsable(env, url));
  const subscriptions = new Subscriptions();
  const queue = new PublishQueue(options.maxQueue ?? 100);
  const calls = new Map<string, CallWaiter[]>();
  const errorListeners = new Set<(error: Error) => void>();
  const requestTimeout = options.requestTimeout ?? 10_000;
  let stopError: KuiperClientError | undefined;

  const reportError = (error: Error): void => {
    if (options.onError) options.onError(error);
    for (const listener of [...errorListeners]) listener(error);
    if (!options.onError && errorListeners.size === 0) logger.warn(error.message);
  };

  const session = new Session(
    {
      url,
      transports: usable,
      env,
      logger,
      backoff: options.backoff ?? {},
      requestTimeout,
      openTimeout: options.openTimeout ?? 3_000,
      upgradeInterval: options.upgradeInterval ?? 60_000,
      ack: options.ack ?? true,
      handshakeExt: typeof options.ext === 'function' ? options.ext : options.ext ? () => options.ext as Record<string, unknown> : undefined,
    },
    {
      onConnected: ({ handshook }) => {
        session.batch(() => {
          // A new server session knows none of our subscriptions: send them all again.
          for (const entry of subscriptions.all()) {
            if (handshook || entry.state === 'sent') entry.state = 'pending';
            if (entry.state === 'pending') sendSubscribe(entry);
          }
          for (const item of queue.drain()) item.send();
        });
      },
      onMessage: (message) => deliver(message),
      onStopped: (error) => {
        stopError = error;
        failEverything(error);
        reportError(error);
      },
      onInternalError: (error) => reportError(error instanceof Error ? error : new Error(String(error))),
    },
  );
  if (options.onStatus) session.status.subscribe(options.onStatus);

  function failEverything(error: Error): void {
    queue.rejectAll(error);
    for (const waiters of calls.values()) for (const w of waiters.splice(0)) w.reject(error);
    calls.clear();
    for (const entry of subscriptions.all()) entry.rejectReady(error);
  }

  function notRunning(): KuiperClientError | undefined {
    if (!session.isStopped) return undefined;
    return stopError ?? new KuiperClientError('disconnected', 'the client is disconnected');
  }

  function deliver(message: Message): void {
    if (!('data' in message)) return; // not a delivery (an unmatched publish ack, for example)
    if (isServiceChannel(message.channel)) {
      // The answer to a call: by id when the server echoes it, else the oldest call on that channel.
      const waiters = calls.get(message.channel);
      if (waiters && waiters.length > 0) {
        const index = Math.max(0, waiters.findIndex((w) => w.id === message.id));
        const [waiter] = waiters.splice(index, 1);
        waiter?.resolve(message.data);
        return;
      }
    }
    for (const handler of subscriptions.matching(message.channel)) {
      try {
        handler(message.data, message);
      } catch (error) {
        reportError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  function sendSubscribe(entry: SubscriptionEntry): void {
    const token = ++entry.sends;
    entry.state = 'sent';
    if (isServiceChannel(entry.channel)) {
      // Servers record no subscription to /service/**; answers come to the sender anyway.
      entry.state = 'acked';
      entry.resolveReady();
      return;
    }
    session.request({ channel: META.subscribe, subscription: entry.channel }).then(
      (reply) => {
        if (subscriptions.get(entry.channel) !== entry || entry.sends !== token) return;
        if (reply.successful) {
          entry.state = 'acked';
          entry.resolveReady();
          return;
        }
        if (sessionGone(reply)) {
          // Not a refusal of the channel: the session ended under it. The session handshakes
          // again (the connect hears the same), and every subscription is sent again after.
          entry.state = 'pending';
          return;
        }
        subscriptions.drop(entry.channel);
        const error = bayeuxFailure(reply);
        entry.rejectReady(error);
        reportError(error);
      },
      () => {
        // Lost with the connection: it goes again once connected.
        if (subscriptions.get(entry.channel) === entry && entry.sends === token) entry.state = 'pending';
      },
    );
  }

  /** Sends now when connected; otherwise waits in the bounded queue. */
  function sendOrQueue(channel: string, send: () => void, reject: (error: Error) => void): void {
    const stopped = notRunning();
    if (stopped) return reject(stopped);
    if (session.connected) send();
    else queue.push({ channel, send, reject });
  }

  function checkPublishChannel(channel: string): KuiperClientError | undefined {
    if (!isValidChannel(channel) || isWildcard(channel) || isMetaChannel(channel)) {
      return new KuiperClientError('invalid_channel', `cannot publish to "${channel}": not a concrete, non-meta channel`);
    }
    return undefined;
  }

  const client: KuiperClient = {
    url,
    get status() {
      return session.status.status;
    },
    get transport() {
      return session.status.transport;
    },
    get clientId() {
      return session.clientId;
    },
    get error() {
      return stopError;
    },
    onStatus: (listener) => session.status.subscribe(listener),
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    whenConnected() {
      if (session.connected) return Promise.resolve();
      const stopped = notRunning();
      if (stopped) return Promise.reject(stopped);
      return new Promise<void>((resolve, reject) => {
        const off = session.status.subscribe((event) => {
          if (event.status === 'connected') resolve();
          else if (event.status === 'disconnected') reject(event.error ?? notRunning() ?? new KuiperClientError('disconnected', 'disconnected'));
          else return;
          off();
        });
      });
    },

    subscribe<T>(channel: string, handler: MessageHandler<T>): Subscription {
      if (!isValidChannel(channel) || isMetaChannel(channel)) {
        throw new KuiperClientError('invalid_channel', `cannot subscribe to "${channel}": not a valid non-meta channel or pattern`);
      }
      const stopped = notRunning();
      if (stopped) throw stopped;
      const h = handler as MessageHandler;
      const { entry, created } = subscriptions.add(channel, h);
      if (created && session.connected) sendSubscribe(entry);
      return subscriptions.handle(entry, h, () => {
        if (entry.state !== 'pending' && session.connected && !isServiceChannel(channel)) {
          session.request({ channel: META.unsubscribe, subscription: channel }).catch(() => {});
        }
      });
    },

    publish(channel, data) {
      const invalid = checkPublishChannel(channel);
      if (invalid) return Promise.reject(invalid);
      return new Promise<void>((resolve, reject) => {
        sendOrQueue(
          channel,
          () =>
            session.request({ channel, data }).then((reply) => (reply.successful ? resolve() : reject(bayeuxFailure(reply))), reject),
          reject,
        );
      });
    },

    call<T>(channel: string, data: unknown, callOptions: CallOptions = {}): Promise<T> {
      if (!isServiceChannel(channel) || checkPublishChannel(channel)) {
        return Promise.reject(new KuiperClientError('invalid_channel', `call needs a /service/** channel, got "${channel}"`));
      }
      const timeout = callOptions.timeout ?? requestTimeout;
      return new Promise<T>((resolve, reject) => {
        sendOrQueue(
          channel,
          () => {
            const id = session.newId();
            const list = calls.get(channel) ?? [];
            calls.set(channel, list);
            const timer = setTimeout(() => settle(new KuiperClientError('timeout', `no answer from ${channel} within ${timeout} ms`)), timeout);
            const waiter: CallWaiter = {
              id,
              resolve: (value) => settle(undefined, value),
              reject: (error) => settle(error),
            };
            function settle(error: Error | undefined, value?: unknown): void {
              clearTimeout(timer);
              const i = list.indexOf(waiter);
              if (i >= 0) list.splice(i, 1);
              if (error) reject(error);
              else resolve(value as T);
            }
            list.push(waiter);
            session.request({ channel, data, id }, timeout).then((reply) => {
              if (!reply.successful) waiter.reject(bayeuxFailure(reply));
              else if ('data' in reply) waiter.resolve(reply.data);
              // else: an acknowledgement only; the answer arrives as a message on the channel.
            }, waiter.reject);
          },
          reject,
        );
      });
    },

    batch: (fn) => session.batch(fn),

    channel: (pattern, schema, channelOptions) =>
      createTypedChannel({ subscribe: client.subscribe, publish: client.publish, reportError }, pattern, schema, channelOptions),

    async disconnect() {
      await session.disconnect();
      failEverything(new KuiperClientError('disconnected', 'the client was disconnected'));
    },
  };

  if (usable.length === 0) {
    // Still start: the session stops with a no_transport error that onStatus/onError report.
    logger.warn('no usable transport in this environment');
  }
  // Start on the next microtask so listeners and subscriptions added right after createClient
  // see the first status change and go out with the first connection.
  queueMicrotask(() => session.start());
  return client;
}
