/**
 * A TCP proxy that loses what the server sends, the way a dying connection does: after `swallow()`
 * the server's bytes on the open connections are read and thrown away (the server counts them as
 * delivered), and `cut()` then closes those connections (new ones pass untouched) or `pass()` lets
 * them carry on. Without the ack
 * extension nothing brings the swallowed messages back (CLI-31): only a re-sync can.
 */
import { connect, createServer, type Socket } from 'node:net';
import { onCleanup } from '@kuiper/testkit';

export interface LossyProxy {
  readonly url: string;
  swallow(): void;
  /** Everything thrown away since `swallow()`, as text (the server's frames are not compressed). */
  swallowed(): string;
  cut(): void;
  /** Stops swallowing and keeps the connections: messages were lost mid-stream, as an engine loses them. */
  pass(): void;
}

export async function startLossyProxy(target: { port: number }, path = '/bayeux'): Promise<LossyProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; swallowing: boolean }>();
  let lost: Buffer[] = [];
  const server = createServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    const pair = { client, upstream, swallowing: false };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => (pair.swallowing ? lost.push(chunk) : client.write(chunk)));
    upstream.on('end', () => client.end());
    const close = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onCleanup(() => new Promise<void>((resolve) => {
    for (const { client, upstream } of pairs) (client.destroy(), upstream.destroy());
    server.close(() => resolve());
  }));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}${path}`,
    swallow: () => {
      lost = [];
      for (const pair of pairs) pair.swallowing = true;
    },
    swallowed: () => Buffer.concat(lost).toString('utf8'),
    pass: () => {
      for (const pair of pairs) pair.swallowing = false;
    },
    cut: () => {
      for (const { client, upstream } of [...pairs]) (client.destroy(), upstream.destroy());
    },
  };
}
