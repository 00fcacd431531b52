// Kuiper with the configuration the benchmark documents: 30 s connect timeout, no interval, and a
// 10 s maxInterval (sessions without a connect for that long are pruned).
import { createKuiperServer } from '../../packages/server/src/index.ts';
import { serveOverIpc } from './serve-over-ipc.ts';

const kuiper = createKuiperServer({ path: '/bayeux', timeout: 30000, interval: 0, maxInterval: 10000 });
const { port, url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
serveOverIpc({ url, port, sessions: () => kuiper.stats().clients, close: () => kuiper.close() });
