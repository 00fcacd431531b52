// Kuiper hosted through its web-standard entry (`kuiper.fetch`, API-4) in a real fetch-based
// server: @hono/node-server, which turns node:http traffic into WHATWG Requests and writes the
// Responses back (streams included) as a Next.js or Hono deployment would.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { DEFAULT_OPTIONS, type KuiperOptions, onCleanup } from '@kuiper/testkit';
import { createKuiperServer } from '../../src/index.js';

export interface FetchHosted {
  kuiper: ReturnType<typeof createKuiperServer>;
  port: number;
  /** http://127.0.0.1:PORT/bayeux */
  url: string;
  origin: string;
}

/**
 * Starts Kuiper behind a fetch server on 127.0.0.1 port 0; `other` answers the paths Kuiper 404s
 * (the fall-through a route handler relies on). Closed after the test.
 */
export async function startFetchHosted(
  options: Partial<KuiperOptions> = {},
  other?: (request: Request) => Response | undefined,
): Promise<FetchHosted> {
  const kuiper = createKuiperServer({ ...DEFAULT_OPTIONS, ...options });
  await kuiper.ready();
  let port = 0;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve(
      {
        hostname: '127.0.0.1',
        port: 0,
        fetch: async (request: Request) => {
          const answer = await kuiper.fetch(request);
          return answer.status === 404 ? (other?.(request) ?? answer) : answer;
        },
      },
      (info: AddressInfo) => {
        port = info.port;
        resolve(started);
      },
    );
  });
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  );
  // Registered last, so it runs first: held connects are answered before the sockets go.
  onCleanup(() => kuiper.close());
  const origin = `http://127.0.0.1:${port}`;
  return { kuiper, port, url: `${origin}/bayeux`, origin };
}
