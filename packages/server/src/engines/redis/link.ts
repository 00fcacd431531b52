/**
 * The Redis engine's two connections and how scripts run on them: one connection for commands
 * (auto-pipelined: what a turn issues goes in one write, in order) and one subscribed to the
 * notification channel. Apart from engine.ts, which decides what to run, so that file reads as the
 * engine's behaviour.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { EngineStats } from '../../core/engine.js';
import { createLogger } from '../../core/log.js';
import type { Reply } from './replies.js';
import { ALL_SCRIPTS, LISTEN, type LuaScript, RELEASE, RENEW } from './scripts.js';

const log = createLogger('redis');

/** Sessions released (or listeners renewed) per script call. */
const RENEW_BATCH = 1000;

export class RedisLink {
  readonly cmd: Redis;
  readonly sub: Redis;

  constructor(
    readonly prefix: string,
    url: string,
    options: RedisOptions | undefined,
  ) {
    const redisOptions: RedisOptions = { enableAutoPipelining: true, ...options, lazyConnect: true };
    this.cmd = new Redis(url, redisOptions);
    this.sub = this.cmd.duplicate();
    for (const conn of [this.cmd, this.sub]) conn.on('error', (err: Error) => log.warn(`redis: ${err.message}`));
  }

  /** Connects both, subscribes to the notification channel and loads every script. */
  async connect(): Promise<void> {
    await Promise.all([this.cmd.connect(), this.sub.connect()]);
    await this.sub.subscribe(`${this.prefix}wake`);
    await Promise.all(ALL_SCRIPTS.map((s) => this.cmd.script('LOAD', s.source)));
  }

  /** Runs a script by its hash; a Redis that lost its scripts (a restart, SCRIPT FLUSH) gets the source. */
  run(script: LuaScript, args: (string | number)[]): Promise<Reply> {
    const argv = [this.prefix, ...args];
    return this.cmd.evalsha(script.sha, 0, ...argv).catch((err: unknown) => {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.cmd.eval(script.source, 0, ...argv);
    });
  }

  /** For writes nobody waits on (leases): ordered on the one connection, failures logged. */
  fire(script: LuaScript, args: (string | number)[]): void {
    this.run(script, args).catch((err: unknown) => log.warn(`${script.name} failed`, err));
  }

  /**
   * [ENG-STREAM-8] Per-node upkeep: this node's lease (one write, whatever it holds), the sessions
   * it stopped holding, and its channel listeners' leases. Resolves true when Redis had taken this
   * node for gone (its lease had lapsed): what it holds must be held again.
   */
  async renew(node: string, releases: readonly (string | number)[], patterns: readonly string[], leaseMs: number): Promise<boolean> {
    const lapsed = this.run(RENEW, [node]);
    for (let i = 0; i < releases.length; i += 2 * RENEW_BATCH) this.fire(RELEASE, [node, ...releases.slice(i, i + 2 * RENEW_BATCH)]);
    for (let i = 0; i < patterns.length; i += RENEW_BATCH) this.fire(LISTEN, [leaseMs, ...patterns.slice(i, i + RENEW_BATCH)]);
    return Number(await lapsed) === 1;
  }

  /** The cluster-wide counts behind `stats()`. */
  async counts(): Promise<EngineStats> {
    const p = this.prefix;
    const [clients, channels, subscriptions] = await Promise.all([
      this.cmd.zcard(`${p}sessions`),
      this.cmd.scard(`${p}channels`),
      this.cmd.get(`${p}nsubs`),
    ]);
    return { clients, channels, subscriptions: Number(subscriptions ?? 0) };
  }

  /** QUIT lets commands already sent finish; a connection still retrying is just dropped. */
  async close(): Promise<void> {
    const up = this.cmd.status === 'ready' && this.sub.status === 'ready';
    await Promise.allSettled([this.cmd, this.sub].map((c) => (up ? c.quit() : c.disconnect())));
  }
}
