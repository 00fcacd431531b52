// The real CometD JavaScript client (cometd@9 + cometd-nodejs-client@2) wrapped in promises.
import { adapt } from 'cometd-nodejs-client';
import { CometD, type Message, type SubscriptionHandle } from 'cometd';
import type { Cleanup, WireMessage } from './server.js';

adapt();

export type CometdTransport = 'long-polling' | 'websocket';

export interface TestCometD {
  cometd: CometD;
  /** Every non-meta message with data the server sent to this client, in arrival order. */
  incoming: Message[];
  handshake(): Promise<Message>;
  subscribe(channel: string, onMessage: (m: Message) => void): Promise<{ reply: Message; handle: SubscriptionHandle }>;
  unsubscribe(handle: SubscriptionHandle): Promise<Message>;
  publish(channel: string, data: unknown): Promise<Message>;
  remoteCall(target: string, data: unknown, timeoutMs?: number): Promise<Message>;
  disconnect(): Promise<void>;
}

/** A CometD client restricted to exactly one transport, so a fallback cannot hide a failure. */
export function createCometD(cleanup: Cleanup, url: string, transport: CometdTransport): TestCometD {
  const cometd = new CometD();
  for (const type of cometd.getTransportTypes()) {
    if (type !== transport) cometd.unregisterTransport(type);
  }
  cometd.configure({ url, logLevel: 'warn', maxNetworkDelay: 5000 });

  const incoming: Message[] = [];
  cometd.registerExtension('spy', {
    incoming(message: Message) {
      if (!message.channel.startsWith('/meta/') && message.data !== undefined) incoming.push(message);
      return message;
    },
  });

  const client: TestCometD = {
    cometd,
    incoming,
    handshake: () => new Promise((resolve) => cometd.handshake((reply) => resolve(reply))),
    subscribe: (channel, onMessage) =>
      new Promise((resolve) => {
        const handle = cometd.subscribe(channel, onMessage, (reply) => resolve({ reply, handle }));
      }),
    unsubscribe: (handle) => new Promise((resolve) => cometd.unsubscribe(handle, (reply) => resolve(reply))),
    publish: (channel, data) => new Promise((resolve) => cometd.publish(channel, data, (reply) => resolve(reply))),
    remoteCall: (target, data, timeoutMs = 5000) =>
      new Promise((resolve) => cometd.remoteCall(target, data, timeoutMs, (reply) => resolve(reply))),
    disconnect: () =>
      new Promise((resolve) => {
        if (cometd.isDisconnected()) return resolve();
        const timer = setTimeout(resolve, 3000);
        cometd.disconnect(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
  cleanup.add(() => client.disconnect());
  return client;
}

/** Handshake and fail with the server's reply when it is not successful. */
export async function connectedCometD(cleanup: Cleanup, url: string, transport: CometdTransport): Promise<TestCometD> {
  const client = createCometD(cleanup, url, transport);
  const reply = await client.handshake();
  if (reply.successful !== true) throw new Error(`cometd handshake failed: ${JSON.stringify(reply)}`);
  return client;
}

export function asWire(m: Message): WireMessage {
  return m as unknown as WireMessage;
}
