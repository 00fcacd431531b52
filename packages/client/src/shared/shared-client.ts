/**
 * createSharedClient: one Bayeux connection for every tab of a browser that uses the same URL
 * (CLI-29, CLI-36). A leader, elected with the Web Locks API, runs the one real session
 * (leader-hub.ts); every tab — the leader's too — runs the same KuiperClient as createClient, over a
 * TabSession that forwards to the hub over a BroadcastChannel. When the leader goes, the browser
 * releases its lock and the next tab in line continues the same server session from the last
 * batch it saw. Without BroadcastChannel or Web Locks it is a plain createClient.
 */
import { createClient, createClientOver, type ClientOptions, type KuiperClient } from '../client.js';
import { LeaderHub } from './leader-hub.js';
import type { BusConstructor, ToLeader } from './protocol.js';
import { TabSession } from './tab-session.js';

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

export function createSharedClient(url: string, options: SharedClientOptions = {}): KuiperClient {
  const g = globalThis as { BroadcastChannel?: BusConstructor; navigator?: { locks?: LockManagerLike } };
  const Bus = options.BroadcastChannel ?? g.BroadcastChannel;
  const locks = options.locks ?? g.navigator?.locks;
  if (!Bus || !locks) return createClient(url, options);

  const { onStatus: _s, onError: _e, BroadcastChannel: _b, locks: _l, shareName, ...hubOptions } = options;
  const name = `kuiper:${shareName ?? url}`;
  const tab = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const lockAbort = new AbortController();
  let hub: LeaderHub | undefined;
  let releaseLock: (() => void) | undefined;
  let leaving = false;
  let session!: TabSession;

  const bus = new Bus(name);
  const leave = async (): Promise<void> => {
    leaving = true;
    lockAbort.abort();
    if (hub) await hub.close();
    releaseLock?.(); // the next tab in line becomes leader
    bus.close();
  };

  const client = createClientOver(url, options, (hooks) => {
    session = new TabSession(bus, tab, hooks, options.requestTimeout ?? 10_000, leave);
    return session;
  });

  const lead = async (): Promise<void> => {
    if (leaving) return;
    // Take in whatever the old leader broadcast before its tab went, then continue its session.
    const own = new Bus(name);
    await session.barrier((message: ToLeader) => own.postMessage(message));
    own.close();
    if (leaving) return;
    hub = new LeaderHub(url, hubOptions, Bus, name, tab, session.view.resumePoint);
    return new Promise<void>((resolve) => (releaseLock = resolve));
  };
  // Queue for leadership; the callback holds the lock until this tab disconnects or closes.
  locks.request(name, { signal: lockAbort.signal }, lead).catch(() => {}); // aborted by disconnect() before this tab led
  (globalThis as { addEventListener?: (type: string, fn: () => void) => void }).addEventListener?.('pagehide', () => {
    if (leaving) return;
    hub?.resign();
    bus.postMessage({ kind: 'bye', tab } satisfies ToLeader);
  });
  return client;
}
