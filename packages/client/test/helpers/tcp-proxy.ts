/**
 * A TCP proxy in front of a server. It can refuse WebSocket upgrades (like a proxy that does not
 * speak them), and buffer streaming responses (event-stream, multipart) until they end, as
 * buffering reverse proxies do; other responses pass at once.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  /** Connections whose first request asked to upgrade, and were refused. */
  refusedUpgrades: number;
  /** Refuses this many more upgrades, whatever `refuseUpgrades` says (a server not yet up for them). */
  refuseNextUpgrades: number;
  close(): Promise<void>;
}

export async function startProxy(
  target: { port: number },
  options: { refuseUpgrades?: boolean; bufferStreams?: boolean; path?: string },
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const proxy: TcpProxy = {
    port: 0,
    url: '',
    refusedUpgrades: 0,
    refuseNextUpgrades: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    track(client);
    client.once('data', (first) => {
      if ((options.refuseUpgrades || proxy.refuseNextUpgrades > 0) && /^upgrade:\s*websocket/im.test(first.toString('latin1'))) {
        proxy.refusedUpgrades++;
        if (proxy.refuseNextUpgrades > 0) proxy.refuseNextUpgrades--;
        client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const upstream = connect(target.port, '127.0.0.1');
      track(upstream);
      upstream.write(first);
      client.pipe(upstream);
      if (options.bufferStreams) bufferStreamingResponses(upstream, client);
      else upstream.pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    client.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  Object.assign(proxy, { port: address.port, url: `http://127.0.0.1:${address.port}${options.path ?? '/bayeux'}` });
  return proxy;
}

/** Passes responses through, except streaming ones, held back until their chunked body ends. */
function bufferStreamingResponses(upstream: Socket, client: Socket): void {
  let held: Buffer[] | undefined;
  upstream.on('data', (chunk: Buffer) => {
    if (!held && /^HTTP\/1\.1 [\s\S]*?content-type:\s*(text\/event-stream|multipart\/)/i.test(chunk.toString('latin1').split('\r\n\r\n')[0] ?? '')) {
      held = [];
    }
    if (!held) {
      client.write(chunk);
      return;
    }
    held.push(chunk);
    const all = Buffer.concat(held);
    if (all.toString('latin1').endsWith('\r\n0\r\n\r\n')) {
      held = undefined;
      client.write(all);
    }
  });
  upstream.on('end', () => {
    if (held) client.write(Buffer.concat(held));
    client.end();
  });
}
