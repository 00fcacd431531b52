import { Redis } from 'ioredis';
import { createServer, connect, type Socket } from 'node:net';
const sockets = new Set<Socket>();
let down = false;
const server = createServer((client) => {
  if (down) return client.destroy();
  const up = connect(6379, '127.0.0.1');
  for (const s of [client, up]) { sockets.add(s); s.on('error', () => {}); s.on('close', () => { sockets.delete(s); client.destroy(); up.destroy(); }); }
  client.pipe(up).pipe(client);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as any).port;
for (const auto of [false, true]) {
  const r = new Redis(`redis://127.0.0.1:${port}`, { enableAutoPipelining: auto, retryStrategy: () => 50, maxRetriesPerRequest: 1, lazyConnect: true });
  r.on('error', () => {}); for (const ev of ['connect','ready','close','reconnecting','end']) r.on(ev, (x: unknown) => console.log('   ev', ev, x ?? '', Date.now() % 100000));
  await r.connect();
  await r.ping();
  down = true; for (const s of sockets) s.destroy();
  const t0 = Date.now();
  const res = await Promise.race([r.scard('x').then(() => 'ok', (e) => 'rejected ' + e.message), new Promise((res) => setTimeout(() => res('hang 3s'), 3000))]);
  console.log('auto', auto, res, Date.now() - t0, 'ms', r.status);
  // second command later
  await new Promise((res) => setTimeout(res, 300));
  const res2 = await Promise.race([r.scard('x').then(() => 'ok', (e) => 'rejected ' + e.message), new Promise((res) => setTimeout(() => res('hang 3s'), 3000))]);
  console.log('  later', res2, r.status);
  down = false;
  r.disconnect();
}
server.close();
process.exit(0);
