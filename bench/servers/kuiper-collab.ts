// Kuiper for the collaboration cases: the same server configuration as kuiper.ts with
// @kuiper/collab attached on a MemoryStore (no persistence, as the anchors run here). Compiled
// packages when all are built (as users run them), otherwise the TypeScript source.
import { useBuiltOrSource } from '../kuiper-source.ts';
import type * as Collab from '../../packages/collab/src/index.ts';
import type * as CollabServer from '../../packages/collab/src/server/index.ts';
import type * as Server from '../../packages/server/src/index.ts';
import { serveOverIpc } from './serve-over-ipc.ts';

const fromDist = useBuiltOrSource(['protocol', 'server', 'collab']);
// The server by path, the same file @kuiper/collab's own import of @kuiper/server resolves to.
const { createKuiperServer } = (await import(
  fromDist ? new URL('../../packages/server/dist/index.js', import.meta.url).href : new URL('../../packages/server/src/index.ts', import.meta.url).href
)) as typeof Server;
const { MemoryStore } = (await import('@kuiper/collab')) as typeof Collab;
const { attachCollab } = (await import('@kuiper/collab/server')) as typeof CollabServer;

const kuiper = createKuiperServer({ path: '/bayeux', timeout: 30000, interval: 0, maxInterval: 10000, reclaimMemory: true });
attachCollab(kuiper, { store: new MemoryStore() });
const { port, url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
if (!fromDist) console.error('[bench] kuiper-collab: packages not built, running the TypeScript source');
serveOverIpc({ url, port, sessions: () => kuiper.stats().clients, close: () => kuiper.close() });
