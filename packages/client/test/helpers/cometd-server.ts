/** A real cometd-nodejs-server (long-polling only) for interop tests. */
import cometdServer, { type CometDServer, type Options } from 'cometd-nodejs-server';
import { createServer } from 'node:http';
import { listenTracked } from './http-server.js';

export interface CometdTestServer {
  readonly url: string;
  readonly cometd: CometDServer;
  close(): Promise<void>;
}

export async function startCometd(options: Options = {}): Promise<CometdTestServer> {
  const cometd = cometdServer.createCometDServer({ timeout: 5_000, ...options });
  const tracked = await listenTracked(createServer((req, res) => cometd.handle(req, res)));
  return {
    url: `http://127.0.0.1:${tracked.port}/cometd`,
    cometd,
    async close() {
      cometd.close();
      await tracked.close();
    },
  };
}
