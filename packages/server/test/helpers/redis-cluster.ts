// The local Redis Cluster for the engine's cluster tests (issue 15): three masters on
// 127.0.0.1:7000-7002 that `bash scripts/ensure-services.sh` starts, or the nodes listed in
// REDIS_CLUSTER_NODES ("host:port,host:port,..."). Tests fail, with what to do, when it is not up:
// a skipped cluster suite proves nothing.
import { randomBytes } from 'node:crypto';
import { Cluster, type ClusterOptions } from 'ioredis';

export interface ClusterNode {
  host: string;
  port: number;
}

const DEFAULT_NODES = '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002';

/** Parses "host:port,host:port" (the REDIS_CLUSTER_NODES format); throws naming the bad entry. */
export function parseClusterNodes(list: string): ClusterNode[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const m = /^(.+):(\d{1,5})$/.exec(entry);
      const port = Number(m?.[2]);
      if (!m?.[1] || !(port > 0 && port < 65536)) throw new Error(`REDIS_CLUSTER_NODES: "${entry}" is not host:port`);
      return { host: m[1], port };
    });
}

export const REDIS_CLUSTER_NODES: readonly ClusterNode[] = parseClusterNodes(process.env['REDIS_CLUSTER_NODES'] ?? DEFAULT_NODES);

/** The node list as the `--redis-cluster` flag and REDIS_CLUSTER_NODES spell it. */
export const REDIS_CLUSTER_NODE_LIST = REDIS_CLUSTER_NODES.map((n) => `${n.host}:${n.port}`).join(',');

/**
 * A key prefix no other test run uses. It holds no `{…}`: Redis hashes only the first hash tag in
 * a key, so a tag in the prefix would pin every key to one slot; the engine's own tags must win.
 */
export function clusterPrefix(): string {
  return `kuiper-test:${randomBytes(6).toString('hex')}:`;
}

/** An ioredis Cluster client on the test cluster; fails fast instead of retrying forever. */
export function clusterClient(options: ClusterOptions = {}): Cluster {
  const cluster = new Cluster([...REDIS_CLUSTER_NODES], {
    clusterRetryStrategy: () => null,
    ...options,
    redisOptions: { maxRetriesPerRequest: 0, ...options.redisOptions },
  });
  cluster.on('error', () => {}); // reported through the failing command instead
  return cluster;
}

/** Fails the suite with a clear message when the cluster is not up and healthy. */
export async function requireRedisCluster(): Promise<void> {
  const cluster = clusterClient({ lazyConnect: true });
  try {
    await cluster.connect();
    const info = await cluster.cluster('INFO');
    if (!/cluster_state:ok/.test(info)) throw new Error('cluster_state is not ok');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `Redis Cluster is not reachable at ${REDIS_CLUSTER_NODE_LIST} (${reason}). Run ` +
        '`bash scripts/ensure-services.sh` to start the local one, or point REDIS_CLUSTER_NODES at one.',
    );
  } finally {
    cluster.disconnect();
  }
}

/** Deletes every key under `prefix` on every master (SCAN runs per node in a cluster). */
export async function deleteClusterPrefix(prefix: string): Promise<number> {
  const cluster = clusterClient({ lazyConnect: true });
  let deleted = 0;
  try {
    await cluster.connect(); // the node list is known once connected
    for (const node of cluster.nodes('master')) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        // One DEL per key: keys under different hash tags may sit in different slots.
        for (const key of keys) deleted += await node.del(key);
      } while (cursor !== '0');
    }
  } finally {
    cluster.disconnect();
  }
  return deleted;
}
