// The real faye 1.4 Node client, typed locally (faye ships no type declarations).
import { createRequire } from 'node:module';
import type { Cleanup, WireMessage } from './server.js';

interface Thenable {
  then(onSuccess: () => void, onFailure?: (err: { code?: number; message?: string } | undefined) => void): unknown;
}

export interface FayeSubscription extends Thenable {
  cancel(): void;
  withChannel(cb: (channel: string, data: unknown) => void): FayeSubscription;
}

interface FayeExtension {
  incoming?(message: WireMessage, callback: (m: WireMessage) => void): void;
  outgoing?(message: WireMessage, callback: (m: WireMessage) => void): void;
}

export interface FayeClient {
  subscribe(channel: string, cb: (data: unknown) => void): FayeSubscription;
  unsubscribe(channel: string, sub?: FayeSubscription): void;
  publish(channel: string, data: unknown): Thenable;
  disconnect(): Thenable | undefined;
  disable(feature: string): void;
  connect(cb: () => void): void;
  addExtension(ext: FayeExtension): void;
  _dispatcher: { connectionType?: string; clientId?: string | null };
}

interface FayeModule {
  Client: new (url: string, options?: { timeout?: number; retry?: number }) => FayeClient;
}

const require = createRequire(import.meta.url);
export const Faye = require('faye') as FayeModule;

export type FayeTransport = 'long-polling' | 'websocket';

export interface TestFaye {
  client: FayeClient;
  /** Every non-meta message with data the server sent to this client. */
  incoming: WireMessage[];
  /** Resolves once the subscription is acknowledged; rejects with the server's error. */
  subscribe(channel: string, cb: (data: unknown) => void): Promise<{ subscription: FayeSubscription }>;
  publish(channel: string, data: unknown): Promise<void>;
  /** The connection type faye is actually using. */
  connectionType(): string | undefined;
}

function settle(t: Thenable): Promise<void> {
  return new Promise((resolve, reject) =>
    t.then(resolve, (err) => reject(new Error(`faye: ${err?.code ?? ''} ${err?.message ?? 'failed'}`))),
  );
}

export function createFaye(cleanup: Cleanup, url: string, transport: FayeTransport): TestFaye {
  const client = new Faye.Client(url, { timeout: 30, retry: 1 });
  if (transport === 'long-polling') client.disable('websocket');
  const incoming: WireMessage[] = [];
  client.addExtension({
    incoming(message, callback) {
      if (message.channel && !message.channel.startsWith('/meta/') && message.data !== undefined) incoming.push(message);
      callback(message);
    },
  });
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const pending = client.disconnect();
        if (pending) pending.then(done, done);
        else done();
      }),
  );
  return {
    client,
    incoming,
    // A faye Subscription is itself a thenable, so it is returned inside an object: resolving a
    // promise with it directly would adopt its (undefined) value.
    subscribe: async (channel, cb) => {
      const subscription = client.subscribe(channel, cb);
      await settle(subscription);
      return { subscription };
    },
    publish: (channel, data) => settle(client.publish(channel, data)),
    connectionType: () => client._dispatcher.connectionType,
  };
}
