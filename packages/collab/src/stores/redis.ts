/**
 * The document store on Redis, for servers that already run on Redis (COLLAB-15). It takes any
 * client with ioredis' `eval(script, numKeys, ...args)`, so this package adds no dependency: pass
 * the server's own ioredis connection. Every operation is one Lua script, so each is atomic.
 *
 * Keys per room share the hash tag `{<room>}` (one Redis Cluster slot): `…:seq` the counter,
 * `…:log` a hash seq → update, `…:snap` and `…:snapseq` the snapshot. Binary is stored as base64
 * (scripts return strings). Durability is the Redis server's: an append resolves once Redis has it
 * in memory and, with `appendfsync always`, on disk.
 */
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { DocumentStore, StoredDocument, StoredUpdate } from '../core/store.js';

/** The one method used: ioredis' `eval`. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  client: RedisEval;
  /** Key prefix, default `kuiper:collab`. */
  prefix?: string;
}

const APPEND = `
local seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], seq, ARGV[1])
return seq`;

const LOAD = `
local out = { redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or '0' }
for _, v in ipairs(redis.call('HGETALL', KEYS[3])) do out[#out + 1] = v end
return out`;

// An older snapshot never replaces a newer one; the covered log entries go with the write.
const SNAPSHOT = `
local upTo = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[2]) or '0') > upTo then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], upTo)
for _, seq in ipairs(redis.call('HKEYS', KEYS[3])) do
  if tonumber(seq) <= upTo then redis.call('HDEL', KEYS[3], seq) end
end
local current = tonumber(redis.call('GET', KEYS[4]) or '0')
if current < upTo then redis.call('SET', KEYS[4], upTo) end
return 1`;

// [COLLAB-30] Taken when free or already ours (a renewal); a dead owner's lapses with its TTL.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisStore implements DocumentStore {
  private readonly client: RedisEval;
  private readonly prefix: string;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'kuiper:collab';
  }

  async load(room: string): Promise<StoredDocument> {
    const k = this.keys(room);
    const reply = (await this.client.eval(LOAD, 3, k.snap, k.snapseq, k.log)) as string[];
    const [snapshot = '', snapshotSeq = '0', ...pairs] = reply;
    const updates: StoredUpdate[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) updates.push({ seq: Number(pairs[i]), update: this.bytes(pairs[i + 1]) });
    updates.sort((a, b) => a.seq - b.seq);
    return { snapshot: snapshot === '' ? undefined : this.bytes(snapshot), snapshotSeq: Number(snapshotSeq), updates };
  }

  async appendUpdate(room: string, update: Uint8Array): Promise<number> {
    const k = this.keys(room);
    return Number(await this.client.eval(APPEND, 2, k.seq, k.log, encodeBase64(update)));
  }

  async writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    const k = this.keys(room);
    await this.client.eval(SNAPSHOT, 4, k.snap, k.snapseq, k.log, k.seq, encodeBase64(snapshot), upToSeq);
  }

  async delete(room: string): Promise<void> {
    const k = this.keys(room);
    await this.client.eval(`return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])`, 4, k.seq, k.log, k.snap, k.snapseq);
  }

  async claimAuthority(room: string, owner: string, ttlMs: number): Promise<boolean> {
    return Number(await this.client.eval(CLAIM, 1, this.keys(room).authority, owner, Math.max(1, Math.round(ttlMs)))) === 1;
  }

  async releaseAuthority(room: string, owner: string): Promise<void> {
    await this.client.eval(RELEASE, 1, this.keys(room).authority, owner);
  }

  /** The client belongs to the caller, who closes it. */
  async close(): Promise<void> {}

  private keys(room: string) {
    const base = `${this.prefix}:{${room}}`;
    return { seq: `${base}:seq`, log: `${base}:log`, snap: `${base}:snap`, snapseq: `${base}:snapseq`, authority: `${base}:authority` };
  }

  private bytes(text: string | undefined): Uint8Array {
    const bytes = decodeBase64(text);
    if (!bytes) throw new Error('stored data is not base64: the key holds something this store did not write');
    return bytes;
  }
}
