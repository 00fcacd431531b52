// The server tests' helpers now live in @kuiper/testkit; this module keeps the older call shape
// (`startServer(cleanup, options, port)` returning `kuiper`) for the files not converted yet.
import { type Cleanup, type KuiperOptions, type KuiperServer, startKuiper } from '@kuiper/testkit';

export * from '@kuiper/testkit';

export interface StartedServer {
  kuiper: KuiperServer;
  port: number;
  /** http://127.0.0.1:PORT/bayeux */
  url: string;
  /** ws://127.0.0.1:PORT/bayeux */
  wsUrl: string;
}

/** Starts a server on 127.0.0.1 (port 0 unless a restart needs the old port) and registers its close. */
export async function startServer(cleanup: Cleanup, options: Partial<KuiperOptions> = {}, wantedPort = 0): Promise<StartedServer> {
  const { server, ...rest } = await startKuiper(options, { cleanup, port: wantedPort });
  return { kuiper: server, ...rest };
}
