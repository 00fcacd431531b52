// Several real Kuiper servers (port 0, loopback) sharing one Redis (or the local Redis Cluster) under a random prefix, and a
// round-robin HTTP/WebSocket balancer with no stickiness in front of them (SPEC: REDIS-*).
import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import { type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EngineEvent } from '../../src/core/engine.js';
import { RedisEngine } from '../../src/redis.js';
import { type Cleanup, type KuiperOptions, type StartedServer, startServer } from '../helpers/server.js';
import { REDIS_URL, deletePrefix, randomPrefix, requireRedis } from '../helpers/redis.js';
import { REDIS_CLUSTER_NODES, clusterPrefix, deleteClusterPrefix, requireRedisCluster } from '../helpers/redis-cluster.js';

export interface ClusterNode extends StartedServer {
  engine: RedisEngine;
  /** Every engine event this node emitted. */
  events: EngineEvent[];
}

export interface Cluster {
  prefix: string;
  nodes: ClusterNode[];
  /** Every node's events, in the order they were emitted. */
  events: EngineEvent[];
}

/** Where the nodes' engine keeps its state: the Redis at REDIS_URL, or the local Redis Cluster (REDIS-8). */
export type SharedRedis = 'redis' | 'redis-cluster';

/** Starts `count` nodes on one fresh prefix; the prefix's keys are deleted at cleanup. */
export async function startCluster(cleanup: Cleanup, count = 2, options: Partial<KuiperOptions> = {}, on: SharedRedis = 'redis'): Promise<Cluster> {
  const clustered = on === 'redis-cluster';
  await (clustered ? requireRedisCluster() : requireRedis());
  const prefix = clustered ? clusterPrefix() : randomPrefix();
  cleanup.add(() => (clustered ? deleteClusterPrefix(prefix) : deletePrefix(prefix))); // runs last: after every node has closed
  const events: EngineEvent[] = [];
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    const engine = new RedisEngine(clustered ? { cluster: REDIS_CLUSTER_NODES, prefix } : { url: REDIS_URL, prefix });
    const started = await startServer(cleanup, { ...options, engine });
    const own: EngineEvent[] = [];
    for (const type of ['session:added', 'session:removed', 'subscription:added', 'session:overflow'] as const) {
      started.kuiper.on(type, (e) => {
        own.push(e);
        events.push(e);
      });
    }
    nodes.push({ ...started, engine, events: own });
  }
  return { prefix, nodes, events };
}

export interface Balancer {
  url: string;
  wsUrl: string;
  /** Which backend port answered each HTTP request, in order. */
  routed: number[];
  /** Which backend port each WebSocket went to, in order. */
  upgrades: number[];
  /** Starts sending requests to a backend too. */
  add(port: number): void;
  /** Stops sending new requests to a backend. */
  remove(port: number): void;
}

/**
 * Round robin per request (and per WebSocket), like a load balancer without session affinity. A
 * backend that refuses the connection is dropped and the request goes to the next one.
 */
export async function startBalancer(cleanup: Cleanup, ports: number[], path = '/bayeux'): Promise<Balancer> {
  const live = [...ports];
  const routed: number[] = [];
  const upgrades: number[] = [];
  let next = 0;
  const pick = (): number | undefined => (live.length === 0 ? undefined : live[next++ % live.length]);
  const drop = (port: number): void => {
    const i = live.indexOf(port);
    if (i >= 0) live.splice(i, 1);
  };

  const forward = (req: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse): void => {
    const port = pick();
    if (port === undefined) {
      res.writeHead(502).end();
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        routed.push(port);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && !res.headersSent) {
        drop(port);
        forward(req, body, res);
      } else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), res));
  });
  const sockets = new Set<Socket | Duplex>();
  server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const port = pick();
    if (port === undefined) return client.destroy();
    upgrades.push(port);
    const upstream = connect(port, '127.0.0.1', () => {
      let raw = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(`${raw}\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    const end = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', end);
    upstream.on('close', end);
    client.on('error', end);
    client.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${path}`;
  const add = (port: number): void => {
    if (!live.includes(port)) live.push(port);
  };
  return { url, wsUrl: url.replace(/^http/, 'ws'), routed, upgrades, add, remove: drop };
}
