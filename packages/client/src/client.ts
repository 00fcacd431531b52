/**
 * createClient: the public Bayeux client. Subscriptions, publishes, service calls and the publish
 * queue live here; a session source (session-source.ts) owns the protocol exchange underneath —
 * a real Session, or for a shared connection the tab session that forwards to the leader tab.
 */
import { META, isServiceChannel, isSessionUnknown, type Message } from '@kuiper/protocol';
import { publishChannelProblem, subscribeChannelProblem } from './channel-name.js';
import { KuiperClientError, bayeuxFailure } from './errors.js';
import { createLogger } from './logger.js';
import { sessionConfig, type CallOptions, type ClientOptions } from './options.js';
import { PublishQueue } from './publish-queue.js';
import { Session } from './session.js';
import type { SessionFactory } from './session-source.js';
import { nextSnapshot, type SessionListener, type Status, type StatusListener, type StatusSnapshot } from './status.js';
import { Subscriptions, type MessageHandler, type Subscription, type SubscriptionEntry } from './subscriptions.js';
import { createTypedChannel, type StandardSchemaV1, type TypedChannel, type TypedChannelOptions } from './typed-channel.js';
import { affecting, readUnrecovered, UNRECOVERED_CHANNEL, type UnrecoveredListener } from './unrecovered.js';

export type { CallOptions, ClientOptions, Subscription };

export interface KuiperClient {
  readonly url: string;
  readonly status: Status;
  /** Name of the transport in use (or being tried). */
  readonly transport: string | undefined;
  readonly clientId: string | undefined;
  /** Why the client stopped, when it stopped on its own. */
  readonly error: KuiperClientError | undefined;
  onStatus(listener: StatusListener): () => void;
  /** Each (re)connection, and whether it continued the same server session (CLI-35). */
  onSession(listener: SessionListener): () => void;
  /**
   * [CLI-38] The server says messages of these subscriptions were lost for good (`trimmed` from a
   * bounded history, a new `epoch`…): state built from them must be fetched again.
   */
  onUnrecovered(listener: UnrecoveredListener): () => void;
  /** For `useSyncExternalStore`: called (with no argument) whenever the snapshot may have changed. */
  subscribeStatus(onChange: () => void): () => void;
  /** The current status as an immutable object; the same object until something in it changes. */
  getStatusSnapshot(): StatusSnapshot;
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
  // Through the protocol's error table (PROTO-23), not a '402:' prefix test.
  return reply.advice?.reconnect === 'handshake' || isSessionUnknown(reply.error);
}

export function createClient(url: string, options: ClientOptions = {}): KuiperClient {
  const logger = createLogger('kuiper:client', options.log, options.logSink);
  const config = sessionConfig(url, options, logger);
  return createClientOver(url, options, (hooks) => new Session(config, hooks));
}

/** The client over any session source: createClient's real session, or a shared connection's tab. */
export function createClientOver(url: string, options: ClientOptions, makeSession: SessionFactory): KuiperClient {
  const logger = createLogger('kuiper:client', options.log, options.logSink);
  const subscriptions = new Subscriptions();
  const queue = new PublishQueue(options.maxQueue ?? 100);
  const calls = new Map<string, CallWaiter[]>();
  const errorListeners = new Set<(error: Error) => void>();
  const sessionListeners = new Set<SessionListener>();
  const unrecoveredListeners = new Set<UnrecoveredListener>();
  const snapshotListeners = new Set<() => void>();
  let snapshot: StatusSnapshot | undefined;
  const requestTimeout = options.requestTimeout ?? 10_000;
  let stopError: KuiperClientError | undefined;

  const reportError = (error: Error): void => {
    if (options.onError) options.onError(error);
    for (const listener of [...errorListeners]) listener(error);
    if (!options.onError && errorListeners.size === 0) logger.warn(error.message);
  };

  /** Listeners run isolated: one that throws is reported (CLI-23) and the others still run. */
  const notify = <A extends unknown[]>(listeners: Iterable<(...args: A) => void>, ...args: A): void => {
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (error) {
        reportError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  };

  /** [CLI-39] Subscriptions sent right behind the last handshake, ahead of its first connect. */
  let sentEarly: Set<SubscriptionEntry> | undefined;

  const session = makeSession({
    onHandshook: () => {
      // [CLI-39] The new session knows none of our subscriptions: they, then the waiting publishes
      // and calls, leave at once in one batch instead of a round trip later, once connected.
      const early = new Set<SubscriptionEntry>();
      session.batch(() => {
        for (const entry of subscriptions.all()) {
          sendSubscribe(entry);
          early.add(entry);
        }
        for (const item of queue.drain()) item.send();
      });
      sentEarly = early;
    },
    onConnected: ({ resync, resumed }) => {
      const early = sentEarly;
      sentEarly = undefined;
      session.batch(() => {
        // A new server session (or a new leader tab) knows none of our subscriptions: send them all again.
        for (const entry of subscriptions.all()) {
          // Sent to this very session behind its handshake (CLI-39), and not lost since.
          if (early?.has(entry) && entry.state !== 'pending') continue;
          if (resync || entry.state === 'sent') entry.state = 'pending';
          if (entry.state === 'pending') sendSubscribe(entry);
        }
        for (const item of queue.drain()) item.send();
      });
      const clientId = session.clientId;
      if (clientId !== undefined) notify(sessionListeners, { clientId, resumed });
      notify(snapshotListeners);
    },
    onMessages: (messages) => {
      for (const message of messages) deliver(message);
    },
    onStopped: (error) => {
      stopError = error;
      failEverything(error);
      reportError(error);
    },
    onInternalError: (error) => reportError(error instanceof Error ? error : new Error(String(error))),
  });
  if (options.onStatus) session.status.subscribe(options.onStatus);
  session.status.subscribe(() => notify(snapshotListeners));

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
    if (message.channel === UNRECOVERED_CHANNEL) return tellUnrecovered(message.data);
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

  /** [CLI-38] An event, never a message to subscriptions; only what touches this client's subscriptions. */
  function tellUnrecovered(data: unknown): void {
    const event = readUnrecovered(data);
    if (!event) return logger.warn(`an unreadable ${UNRECOVERED_CHANNEL} notice was dropped`);
    const mine = affecting(event, subscriptions.all().map((entry) => entry.channel));
    if (mine) notify(unrecoveredListeners, mine);
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

  // [CLI-4] The server's own grammar (PROTO-12): a name the server would refuse never leaves the client.
  function checkPublishChannel(channel: string): KuiperClientError | undefined {
    const problem = publishChannelProblem(channel);
    return problem === undefined ? undefined : new KuiperClientError('invalid_channel', `cannot publish to "${channel}": ${problem}`);
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
    onSession(listener) {
      sessionListeners.add(listener);
      return () => sessionListeners.delete(listener);
    },
    onUnrecovered(listener) {
      unrecoveredListeners.add(listener);
      return () => unrecoveredListeners.delete(listener);
    },
    subscribeStatus(onChange) {
      const listener = () => onChange();
      snapshotListeners.add(listener);
      return () => snapshotListeners.delete(listener);
    },
    getStatusSnapshot() {
      const current = { status: session.status.status, transport: session.status.transport, clientId: session.clientId, error: stopError };
      return (snapshot = nextSnapshot(snapshot, current));
    },
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
      const problem = subscribeChannelProblem(channel);
      if (problem !== undefined) throw new KuiperClientError('invalid_channel', `cannot subscribe to "${channel}": ${problem}`);
      const stopped = notRunning();
      if (stopped) throw stopped;
      const h = handler as MessageHandler;
      const { entry, created } = subscriptions.add(channel, h);
      if (created && session.connected) sendSubscribe(entry);
      return subscriptions.handle(entry, h, () => {
        // [CLI-39] A subscribe sent behind the handshake is the server's before the client is connected.
        const live = session.connected || sentEarly?.has(entry) === true;
        if (entry.state !== 'pending' && live && !isServiceChannel(channel)) {
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

  // Start on the next microtask so listeners and subscriptions added right after createClient
  // see the first status change and go out with the first connection.
  queueMicrotask(() => session.start());
  return client;
}
