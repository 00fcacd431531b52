// `kuiper serve --redis` and `--redis-cluster`: two processes from the command line share sessions,
// on one Redis and on the local Redis Cluster (SPEC: REDIS-1, REDIS-5, REDIS-8, SERVE-6).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bayeux, immediateConnect, msgId, rawHandshake, replyTo } from '@kuiper/testkit';
import { type KuiperProcess, runKuiper, stopKuiperProcesses } from '../helpers/kuiper-process.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';
import { REDIS_CLUSTER_NODE_LIST, clusterPrefix, deleteClusterPrefix, requireRedisCluster } from '../helpers/redis-cluster.js';

const prefix = randomPrefix();

beforeAll(requireRedis);
afterEach(stopKuiperProcesses);
afterAll(() => deletePrefix(prefix));

/** `kuiper serve <args>`, as a user runs it (test/helpers/kuiper-process.ts). */
const run = (args: string[]): KuiperProcess => runKuiper(['serve', ...args]);

/**
 * A session handshaken on `a` subscribes to `channel` on `b`; a publish made on `a` by another
 * session reaches the first one's connect on `b`: what that connect delivers on `channel`.
 */
async function across(a: string, b: string, channel: string): Promise<unknown[]> {
  const id = await rawHandshake(a);
  const sub = { channel: '/meta/subscribe', clientId: id, subscription: channel, id: msgId() };
  expect(replyTo(await bayeux(b, [sub]), sub.id).successful).toBe(true);
  const publisher = await rawHandshake(b);
  const pub = { channel, clientId: publisher, data: 'across processes', id: msgId() };
  expect(replyTo(await bayeux(a, [pub]), pub.id).successful).toBe(true);
  const replies = await bayeux(b, [immediateConnect(id)]);
  return replies.filter((m) => m.channel === channel).map((m) => m.data);
}

describe('kuiper serve --redis', () => {
  it('[REDIS-1] two processes on one Redis serve one session: handshake on one, subscribe and connect on the other', async () => {
    const flags = ['--port', '0', '--redis', REDIS_URL, '--redis-prefix', prefix];
    const [a, b] = await Promise.all([run(flags).listening, run(flags).listening]);
    await expect(across(a, b, '/cli')).resolves.toEqual(['across processes']);
  });

  it('[REDIS-5] fails at start, with the reason, when Redis cannot be reached', async () => {
    const { exited } = run(['--port', '0', '--redis', 'redis://127.0.0.1:1']);
    const { code, err } = await exited;
    expect(code).toBe(2);
    expect(err).toMatch(/cannot use Redis/);
  });

  it('refuses a --redis that is not a redis URL', async () => {
    const { exited } = run(['--port', '0', '--redis', 'localhost:6379']);
    const { code, err } = await exited;
    expect(code).toBe(2);
    expect(err).toContain('--redis must be a redis:// or rediss:// URL');
  });
});

describe('kuiper serve --redis-cluster', () => {
  const onCluster = clusterPrefix();
  beforeAll(requireRedisCluster);
  afterAll(() => deleteClusterPrefix(onCluster));

  it('[SERVE-6][REDIS-8] two processes on the Redis Cluster (one with --collab) serve one session: a publish on one reaches a connect on the other', async () => {
    const flags = ['--port', '0', '--redis-cluster', REDIS_CLUSTER_NODE_LIST, '--redis-prefix', onCluster];
    // One of them with rooms too: their documents go to the same cluster.
    const [one, other] = [run(flags), run([...flags, '--collab'])];
    const [a, b] = await Promise.all([one.listening, other.listening]);
    expect(one.out()).toContain(`sessions shared through the Redis Cluster at ${REDIS_CLUSTER_NODE_LIST}`);
    expect(other.out()).toContain('rooms: documents in Redis');
    await expect(across(a, b, '/cli/cluster')).resolves.toEqual(['across processes']);
  });

  it('[SERVE-6][REDIS-5] fails at start, with the reason, when no seed node answers', async () => {
    const { exited } = run(['--port', '0', '--redis-cluster', '127.0.0.1:1,127.0.0.1:2']);
    const { code, err } = await exited;
    expect(code).toBe(2);
    expect(err).toMatch(/cannot use Redis \(None of startup nodes is available\)/);
  });

  it('[REDIS-8] refuses a key prefix with a hash tag of its own (it would put every key in one slot)', async () => {
    const { exited } = run(['--port', '0', '--redis-cluster', REDIS_CLUSTER_NODE_LIST, '--redis-prefix', 'app{1}:']);
    const { code, err } = await exited;
    expect(code).toBe(2);
    expect(err).toContain('on a Redis Cluster the key prefix must hold no "{"');
  });
});
