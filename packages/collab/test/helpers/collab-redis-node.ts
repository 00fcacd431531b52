// Run as a child process by test/integration/failover.test.ts: one Kuiper node on Redis (engine and
// document store) with rooms. It prints its URL, then serves until the parent kills it with SIGKILL.
import { Redis } from 'ioredis';
import { createKuiperServer } from '@kuiper/server';
import { RedisEngine } from '@kuiper/server/redis';
import { RedisStore } from '../../src/stores/redis.js';
import { attachCollab } from '../../src/server/index.js';

const [url, prefix, lease] = process.argv.slice(2);
if (!url || !prefix || !lease) throw new Error('usage: collab-redis-node <redis-url> <prefix> <lease-ms>');
const kuiper = createKuiperServer({ path: '/bayeux', engine: new RedisEngine({ url, prefix }) });
const store = new RedisStore({ client: new Redis(url), prefix: `${prefix}collab` });
attachCollab(kuiper, { store, authorityLeaseMs: Number(lease) });
const listening = await kuiper.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`url ${listening.url}\n`);
