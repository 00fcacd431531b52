// Faye 1.4 (NodeAdapter, in-memory engine; faye-redis for the two-node case) on loopback, as the
// reference Bayeux server.
// timeout 45 s is the configuration Faye's own documentation uses; the issue's reference pruning
// figure (85 s ≈ 2 × timeout) was measured with it.
import http from 'node:http';
import faye from 'faye';
import fayeRedis from 'faye-redis';
import { listenOverIpc } from './serve-over-ipc.ts';

/**
 * two-node case: `<redis url> <namespace>` as arguments put this node on faye-redis, Faye's own
 * Redis engine. It takes host/port/password/database, so TLS (rediss://) and ACL users are refused.
 */
function redisEngine(url: string, namespace: string): Record<string, unknown> {
  const u = new URL(url);
  if (u.protocol !== 'redis:' || u.username) throw new Error(`faye-redis takes a plain redis://[:password@]host:port/db URL, not ${u.protocol}//${u.username ? `${u.username}@` : ''}…`);
  return {
    type: fayeRedis,
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    database: Number(u.pathname.slice(1) || 0),
    namespace,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

const [redisUrl, namespace] = process.argv.slice(2);
const engine = redisUrl === undefined ? undefined : redisEngine(redisUrl, namespace ?? '');
const adapter = new faye.NodeAdapter({ mount: '/bayeux', timeout: 45, ...(engine ? { engine } : {}) });
let sessions = 0;
adapter.on('handshake', () => {
  sessions++;
});
adapter.on('disconnect', () => {
  sessions--;
});
const server = http.createServer();
adapter.attach(server);
listenOverIpc(server, () => sessions, () => server.closeAllConnections());
