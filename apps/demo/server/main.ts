/**
 * The demo's one process: Next.js (pages) and Kuiper (its mount path, WebSocket upgrades included)
 * on one port. Every request is offered to Kuiper first; what is not Kuiper's goes to Next.
 *
 *   PORT (3000), HOST (127.0.0.1), KUIPER_DATA (./.kuiper-data), REDIS_URL (share rooms with other
 *   processes; REDIS_PREFIX, default kuiper-demo:), KUIPER_MAX_INTERVAL (ms before a silent session is pruned), NODE_ENV=development
 *   (next dev: hot reload), KUIPER_API_KEY (16+ characters: the rooms' documents over HTTP at
 *   /api/rooms/<id>/ydoc for a backend, @kuiper/collab's COLLAB-43).
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { setUpKuiper } from './kuiper-setup.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const dev = env['NODE_ENV'] === 'development';
const host = env['HOST'] || '127.0.0.1';
const port = Number(env['PORT'] || 3000);
const maxInterval = env['KUIPER_MAX_INTERVAL'] ? Number(env['KUIPER_MAX_INTERVAL']) : undefined;
const apiKey = env['KUIPER_API_KEY'] || undefined;
if (!Number.isInteger(port) || port < 0 || (maxInterval !== undefined && !(maxInterval > 0)) || (apiKey !== undefined && apiKey.length < 16)) {
  console.error('PORT must be a port number, KUIPER_MAX_INTERVAL a number of milliseconds and KUIPER_API_KEY at least 16 characters');
  process.exit(1);
}

const kuiper = await setUpKuiper({
  dataDir: resolve(appDir, env['KUIPER_DATA'] || '.kuiper-data'),
  ...(env['REDIS_URL'] ? { redisUrl: env['REDIS_URL'] } : {}),
  ...(env['REDIS_PREFIX'] ? { redisPrefix: env['REDIS_PREFIX'] } : {}),
  ...(maxInterval === undefined ? {} : { maxInterval }),
  ...(apiKey === undefined ? {} : { apiKey }),
});
const app = next({ dev, dir: appDir, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();
const upgrade = app.getUpgradeHandler();

const server = createServer((req, res) => {
  if (kuiper.kuiper.handleRequest(req, res) || kuiper.assets(req, res) || kuiper.versions(req, res) || kuiper.previews(req, res) || kuiper.api?.(req, res) === true) return;
  void handle(req, res);
});
// Kuiper's WebSocket first; anything else (next dev's hot reload) is Next's.
server.on('upgrade', (req, socket, head) => {
  if (!kuiper.kuiper.handleUpgrade(req, socket, head)) void upgrade(req, socket, head);
});
server.listen(port, host, () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`kuiper demo listening on http://${host}:${actual} (Bayeux at /bayeux${env['REDIS_URL'] ? ', rooms on Redis' : ''}${apiKey ? ', documents at /api/rooms/<id>/ydoc' : ''})`);
});

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  // Whatever hangs while closing (next dev's file watchers) cannot keep the process alive.
  setTimeout(() => process.exit(1), 10_000).unref();
  // Close Kuiper first: held connects are answered, so pages reconnect to the next process at once.
  void kuiper
    .close()
    .then(() => app.close())
    .finally(() => {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
