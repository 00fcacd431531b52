/** Kuiper clients for tests, disconnected after the test (before the servers they talk to). */
import { createClient, type ClientOptions, type KuiperClient } from '@kuiper/client';
import { type Cleanup, cleanup as testCleanup } from './cleanup.js';

export function newClient(url: string, options: ClientOptions = {}, cleanup: Pick<Cleanup, 'add'> = testCleanup): KuiperClient {
  const client = createClient(url, options);
  cleanup.add(() => client.disconnect());
  return client;
}
