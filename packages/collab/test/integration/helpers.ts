// Real servers with collab attached, and real clients entering rooms, all cleaned up after each test.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisEngine } from '@kuiper/server/redis';
import { onCleanup, startKuiper, newClient, type KuiperOptions, type StartOptions, type StartedKuiper } from '@kuiper/testkit';
import type { ClientOptions, FetchLike, KuiperClient } from '@kuiper/client';
import { enterRoom, MemoryStore, type EnterRoomOptions, type Room } from '../../src/index.js';
import { attachCollab, type AttachedCollab, type CollabOptions } from '../../src/server/index.js';

export interface CollabServer extends StartedKuiper {
  collab: AttachedCollab;
  store: CollabOptions['store'];
}

/** A real server at 127.0.0.1 with collab attached (a MemoryStore unless one is given). */
export async function startCollab(
  collab: Partial<CollabOptions> = {},
  options: Partial<KuiperOptions> = {},
  start: StartOptions = {},
): Promise<CollabServer> {
  const store = collab.store ?? new MemoryStore();
  // Detach before the server closes (cleanup runs newest first): open rooms write their snapshot.
  // [COLLAB-47] The rooms' pictures are served beside Bayeux, as an app mounts `collab.assets`.
  // [COLLAB-50] And so are their versions.
  let http: Pick<AttachedCollab, 'assets' | 'versions'> | undefined;
  const started = await startKuiper(options, { otherRequests: (req, res) => http?.assets(req, res) === true || http?.versions(req, res) === true, ...start });
  const attached = attachCollab(started.server, { ...collab, store });
  http = attached;
  onCleanup(() => attached.detach());
  return { ...started, collab: attached, store };
}

/** A real client in a room; it leaves and disconnects after the test. */
export function member(url: string, room: string, options: EnterRoomOptions = {}, client: ClientOptions = {}): { client: KuiperClient; room: Room } {
  const kuiper = newClient(url, client);
  const entered = enterRoom(kuiper, room, options);
  onCleanup(() => entered.leave());
  return { client: kuiper, room: entered };
}

export const text = (room: Room): string => room.doc.getText('t').toString();

/** A fetch for a long-polling client whose connection dies on `cut()`: every later request hangs, no disconnect is sent. */
export function severableFetch(): { fetch: FetchLike; cut: () => void } {
  let cut = false;
  return {
    fetch: (input, init) => (cut ? new Promise(() => undefined) : globalThis.fetch(input, init)),
    cut: () => void (cut = true),
  };
}

export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Deletes every Redis key under `prefix` at cleanup; register it before the nodes, so it runs after them. */
export function cleanRedisPrefix(prefix: string): void {
  onCleanup(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
}

/** Two collab nodes sharing one Redis (keys under a fresh prefix, cleaned after) and one store. */
export async function twoCollabNodes(label: string, options: Partial<KuiperOptions> = {}) {
  const prefix = `kuiper-test:${label}:${randomUUID()}:`;
  cleanRedisPrefix(prefix);
  const store = new MemoryStore();
  const a = await startCollab({ store }, { ...options, engine: new RedisEngine({ url: REDIS_URL, prefix }) });
  const b = await startCollab({ store }, { ...options, engine: new RedisEngine({ url: REDIS_URL, prefix }) });
  return { a, b, store };
}
