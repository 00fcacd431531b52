/**
 * The demo's Kuiper side, without HTTP: a Bayeux server with the demo's identity policy, rooms from
 * @kuiper/collab on a document store, and the inspector feed. Embedded by default (memory engine,
 * LevelDB in a data folder: nothing to install); with `redisUrl`, sessions and documents live in
 * Redis and any number of processes serve the same rooms.
 */
import { createKuiperServer, type KuiperServer } from '@kuiper/server';
import { attachCollab, documentsApi, type AttachedCollab, type DocumentsApi } from '@kuiper/collab/server';
import type { DocumentStore } from '@kuiper/collab';
import { canHandshake, roomGrant } from './identity.js';
import { attachInspector } from './inspector-feed.js';
import { boardPreviews } from './board-preview.js';

export interface KuiperSetupOptions {
  /** Where the LevelDB store keeps documents (embedded mode). */
  dataDir: string;
  /** Share sessions and documents through this Redis instead. */
  redisUrl?: string;
  /** Key prefix in Redis (default `kuiper-demo:`): processes with the same one share rooms. */
  redisPrefix?: string;
  /** A session with no connect for this long is pruned (ms); lower it to see departures sooner. */
  maxInterval?: number;
  /** Serve the rooms' documents over HTTP (`/api/rooms/<id>/ydoc`) to requests bearing this key. */
  apiKey?: string;
}

export interface KuiperSetup {
  readonly kuiper: KuiperServer;
  /** The documents' HTTP API, with an `apiKey`: true when it answered the request. */
  readonly api: DocumentsApi | undefined;
  /** [DEMO-23] The boards' pictures, uploaded and read at `/kuiper-assets` (COLLAB-47): true when it answered. */
  readonly assets: AttachedCollab['assets'];
  /** [DEMO-24] The rooms' version history at `/kuiper-versions` (COLLAB-50): true when it answered. */
  readonly versions: AttachedCollab['versions'];
  /** [DEMO-18] `GET /previews/<room>.svg`, the lobby's picture of a board: true when it answered. */
  readonly previews: ReturnType<typeof boardPreviews>;
  close(): Promise<void>;
}

export const BAYEUX_PATH = '/bayeux';
/** Where the boards' pictures live; the page's rooms are entered with it as `assetsUrl`. */
export const ASSETS_PATH = '/kuiper-assets';
/** Where the rooms' versions are listed, saved and read; the page's rooms are entered with it as `versionsUrl`. */
export const VERSIONS_PATH = '/kuiper-versions';

export async function setUpKuiper(options: KuiperSetupOptions): Promise<KuiperSetup> {
  const backend = options.redisUrl === undefined ? await embedded(options.dataDir) : await onRedis(options.redisUrl, options.redisPrefix ?? 'kuiper-demo:');
  const kuiper = createKuiperServer({
    path: BAYEUX_PATH,
    ...(backend.engine ? { engine: backend.engine } : {}),
    ...(options.maxInterval === undefined ? {} : { maxInterval: options.maxInterval }),
    // [DEMO-9] No login in the demo: the display name the page sends becomes the session's user.
    // A real app checks a cookie or token here (see identity.ts).
    policy: { canHandshake },
  });
  const collab = attachCollab(kuiper, { store: backend.store, authorize: roomGrant });
  const inspector = attachInspector(kuiper);
  await kuiper.ready();
  return {
    kuiper,
    // A backend (a script, a job, an AI agent) reads and writes the boards with the key.
    api: options.apiKey === undefined ? undefined : documentsApi(collab, { apiKey: options.apiKey }),
    assets: collab.assets,
    versions: collab.versions,
    previews: boardPreviews(collab),
    close: async () => {
      inspector.detach();
      await kuiper.close();
      await collab.detach(); // every open room writes its final snapshot
      await backend.close();
    },
  };
}

interface Backend {
  readonly engine?: NonNullable<Parameters<typeof createKuiperServer>[0]>['engine'];
  readonly store: DocumentStore;
  close(): Promise<void>;
}

async function embedded(dataDir: string): Promise<Backend> {
  // Imported only here: the Redis mode never opens LevelDB, the embedded one never loads ioredis.
  const { LevelStore } = await import('@kuiper/collab/stores/level');
  const store = new LevelStore({ location: dataDir });
  await store.open(); // a data folder it cannot use fails the start, not the first room
  return { store, close: () => store.close() };
}

async function onRedis(url: string, prefix: string): Promise<Backend> {
  const [{ RedisEngine }, { RedisStore }, { Redis }] = await Promise.all([
    import('@kuiper/server/redis'),
    import('@kuiper/collab/stores/redis'),
    import('ioredis'),
  ]);
  const redis = new Redis(url);
  return {
    engine: new RedisEngine({ url, prefix }),
    store: new RedisStore({ client: redis, prefix: `${prefix}collab` }),
    close: async () => void (await redis.quit()),
  };
}
