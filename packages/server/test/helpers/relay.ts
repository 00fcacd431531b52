// A TCP relay to Redis that a test can cut and restore: a node reaching Redis through it loses Redis
// for a moment (SPEC: REDIS-5, LIFE-8) while other nodes keep theirs.
import { type Server, type Socket, connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { onCleanup } from '@kuiper/testkit';
import { REDIS_URL } from './redis.js';

export interface Relay {
  url: string;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  restore(): void;
  /** Stops passing what nodes send on to Redis (kept, never sent): commands written now stay in flight. */
  hold(): void;
  /** What was kept since `hold()`, as text. */
  readonly heldText: string;
}

export async function startRelay(): Promise<Relay> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let down = false;
  let holding = false;
  let heldText = '';
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (holding) heldText += chunk.toString('latin1');
      else upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  const url = new URL(REDIS_URL);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.href,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
      holding = false;
    },
    hold() {
      holding = true;
    },
    get heldText() {
      return heldText;
    },
  };
}
