/**
 * createSharedClient: one Bayeux connection for every tab of a browser that uses the same URL.
 * A leader, elected with the Web Locks API, runs the real client (leader-hub.ts); every tab — the
 * leader's too — talks to it over a BroadcastChannel. When the leader tab closes, the browser
 * releases its lock, the next tab in line becomes leader, and every tab sends it its subscriptions
 * and unanswered requests again. Without BroadcastChannel or Web Locks it is a plain createClient.
 *
 * Across a change of leader, deliveries in between are lost and a request the old leader had sent
 * but not answered is sent again (at least once).
 */
import { createClient, type CallOptions, type ClientOptions, type KuiperClient, type Subscription } from '../client.js';
import { KuiperClientError, type KuiperClientErrorCode } from '../errors.js';
import type { Status, StatusEvent, StatusListener } from '../status.js';
import { Subscriptions, type MessageHandler } from '../subscriptions.js';
import { createTypedChannel } from '../typed-channel.js';
import { LeaderHub } from './leader-hub.js';
import type { BusConstructor, FromLeader, LeaderState, TabRequest, ToLeader, WireError } from './protocol.js';

/** The part of the Web Locks API used: an exclusive lock held until the callback's promise settles. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export interface SharedClientOptions extends ClientOptions {
  /** Tabs with the same name share one connection. Default: the URL. */
  shareName?: string;
  /** Injectable for tests; default the global BroadcastChannel. */
  BroadcastChannel?: BusConstructor;
  /** Injectable for tests; default navigator.locks. */
  locks?: LockManagerLike;
}

function fromWire(error: WireError): KuiperClientError {
  return new KuiperClientError(error.code as KuiperClientErrorCode, error.message, error.bayeuxError ? { bayeuxError: error.bayeuxError } : {});
}

export function createSharedClient(url: string, options: SharedClientOptions = {}): KuiperClient {
  const g = globalThis as { BroadcastChannel?: BusConstructor; navigator?: { locks?: LockManagerLike } };
  const Bus = options.BroadcastChannel ?? g.BroadcastChannel;
  const locks = options.locks ?? g.navigator?.locks;
  if (!Bus || !locks) return createClient(url, options);

  const name = `kuiper:${options.shareName ?? url}`;
  const tab = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const bus = new Bus(name);
  const subscriptions = new Subscriptions();
  const requests = new Map<string, { request: TabRequest; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const statusListeners = new Set<StatusListener>();
  const errorListeners = new Set<(error: Error) => void>();
  let state: LeaderState = { leader: '', status: 'connecting', transport: undefined, clientId: undefined };
  let sequence = 0;
  let batchDepth = 0;
  let outbox: TabRequest[] = [];
  let hub: LeaderHub | undefined;
  let closed = false;
  const lockAbort = new AbortController();
  let releaseLock: (() => void) | undefined;

  if (options.onStatus) statusListeners.add(options.onStatus);
  if (options.onError) errorListeners.add(options.onError);
  const post = (message: ToLeader): void => bus.postMessage(message);
  const report = (error: Error): void => errorListeners.forEach((l) => l(error));

  const setState = (next: LeaderState): void => {
    const previous = state;
    state = next;
    if (previous.status === next.status && previous.transport === next.transport && !next.error) return;
    const event: StatusEvent = { status: next.status, previous: previous.status, transport: next.transport, ...(next.error ? { error: fromWire(next.error) } : {}) };
    statusListeners.forEach((l) => l(event));
  };

  const flush = (): void => {
    if (outbox.length === 0 || !state.leader) return;
    post({ kind: 'requests', tab, requests: outbox });
    outbox = [];
  };

  bus.onmessage = (event) => {
    const message = event.data as FromLeader;
    switch (message.kind) {
      case 'leader': {
        const changed = message.leader !== state.leader;
        setState(message);
        if (!changed) return;
        // A new leader knows nothing of us: subscriptions and unanswered requests go again.
        for (const entry of subscriptions.all()) post({ kind: 'subscribe', tab, pattern: entry.channel });
        outbox = [...[...requests.values()].map((r) => r.request)];
        return flush();
      }
      case 'status':
        if (message.leader === state.leader) setState(message);
        return;
      case 'deliver':
        for (const handler of subscriptions.get(message.pattern)?.handlers ?? []) {
          try {
            handler(message.data, message.message);
          } catch (error) {
            report(error instanceof Error ? error : new Error(String(error)));
          }
        }
        return;
      case 'subscribed': {
        const entry = message.tab === tab ? subscriptions.get(message.pattern) : undefined;
        if (!entry) return;
        if (!message.error) return entry.resolveReady();
        subscriptions.drop(message.pattern);
        const error = fromWire(message.error);
        entry.rejectReady(error);
        return report(error);
      }
      case 'reply': {
        const pending = message.tab === tab ? requests.get(message.id) : undefined;
        if (!pending) return;
        requests.delete(message.id);
        if (message.error) pending.reject(fromWire(message.error));
        else pending.resolve(message.value);
      }
    }
  };

  // Queue for leadership; the callback holds the lock until this tab disconnects or closes.
  locks
    .request(name, { signal: lockAbort.signal }, () => {
      if (closed) return Promise.resolve();
      // The tab's own listeners hear the hub through the channel, like every other tab's.
      const { onStatus: _s, onError: _e, BroadcastChannel: _b, locks: _l, shareName: _n, ...hubOptions } = options;
      hub = new LeaderHub(url, hubOptions, Bus, name, tab);
      return new Promise<void>((resolve) => (releaseLock = resolve));
    })
    .catch(() => {}); // aborted by disconnect() before this tab led
  post({ kind: 'hello', tab });
  (globalThis as { addEventListener?: (type: string, fn: () => void) => void }).addEventListener?.('pagehide', () => post({ kind: 'bye', tab }));

  const request = (op: TabRequest['op'], channel: string, data: unknown, timeout?: number): Promise<unknown> => {
    if (closed) return Promise.reject(new KuiperClientError('disconnected', 'the client is disconnected'));
    return new Promise((resolve, reject) => {
      const r: TabRequest = { id: `${tab}:${++sequence}`, op, channel, data, timeout };
      requests.set(r.id, { request: r, resolve, reject });
      outbox.push(r);
      if (batchDepth === 0) flush();
    });
  };

  const client: KuiperClient = {
    url,
    get status(): Status {
      return closed ? 'disconnected' : state.status;
    },
    get transport() {
      return state.transport;
    },
    get clientId() {
      return state.clientId;
    },
    get error() {
      return state.error ? fromWire(state.error) : undefined;
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    whenConnected() {
      if (state.status === 'connected') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const off = client.onStatus((e) => {
          if (e.status === 'connected') resolve();
          else if (e.status === 'disconnected') reject(e.error ?? new KuiperClientError('disconnected', 'disconnected'));
          else return;
          off();
        });
      });
    },
    subscribe<T>(channel: string, handler: MessageHandler<T>): Subscription {
      const h = handler as MessageHandler;
      const { entry, created } = subscriptions.add(channel, h);
      if (created && state.leader) post({ kind: 'subscribe', tab, pattern: channel });
      return subscriptions.handle(entry, h, () => post({ kind: 'unsubscribe', tab, pattern: channel }));
    },
    publish: (channel, data) => request('publish', channel, data).then(() => undefined),
    call: <T>(channel: string, data: unknown, callOptions: CallOptions = {}) => request('call', channel, data, callOptions.timeout) as Promise<T>,
    batch(fn) {
      batchDepth++;
      try {
        fn();
      } finally {
        batchDepth--;
        if (batchDepth === 0) flush();
      }
    },
    channel: (pattern, schema, channelOptions) =>
      createTypedChannel({ subscribe: client.subscribe, publish: client.publish, reportError: report }, pattern, schema, channelOptions),
    async disconnect() {
      if (closed) return;
      closed = true;
      post({ kind: 'bye', tab });
      lockAbort.abort();
      const error = new KuiperClientError('disconnected', 'the client was disconnected');
      for (const r of requests.values()) r.reject(error);
      requests.clear();
      if (hub) await hub.close();
      releaseLock?.(); // the next tab in line becomes leader
      bus.close();
      setState({ ...state, status: 'disconnected' });
    },
  };
  return client;
}
