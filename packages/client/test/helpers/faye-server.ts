/** A real Faye 1.4 server (long-polling, websocket, callback-polling) for interop tests. */
import Faye, { type FayeExtension, type NodeAdapter } from 'faye';
import { createServer } from 'node:http';
import { listenTracked } from './http-server.js';

export interface FayeServer {
  readonly url: string;
  readonly port: number;
  readonly adapter: NodeAdapter;
  /** Every message the server received, in order (after extensions). */
  readonly received: { channel: string; connectionType?: unknown; clientId?: string }[];
  publish(channel: string, data: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startFaye(options: { port?: number; extensions?: FayeExtension[]; timeout?: number } = {}): Promise<FayeServer> {
  const adapter = new Faye.NodeAdapter({ mount: '/bayeux', timeout: options.timeout ?? 5 });
  const received: FayeServer['received'] = [];
  adapter.addExtension({
    incoming(message, callback) {
      received.push({ channel: message.channel, connectionType: message['connectionType'], clientId: message.clientId });
      callback(message);
    },
  });
  for (const extension of options.extensions ?? []) adapter.addExtension(extension);
  const server = createServer();
  adapter.attach(server);
  const tracked = await listenTracked(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${tracked.port}/bayeux`,
    port: tracked.port,
    adapter,
    received,
    publish: (channel, data) => adapter.getClient().publish(channel, data),
    async close() {
      adapter.close();
      await tracked.close();
    },
  };
}
