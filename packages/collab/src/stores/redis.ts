/**
 * The document store on Redis, for servers that already run on Redis (COLLAB-15). It takes any
 * client with ioredis' `eval(script, numKeys, ...args)`, so this package adds no dependency: pass
 * the server's own ioredis connection. Every operation is one Lua script, so each is atomic.
 *
 * Keys per room share the hash tag `{<room>}` (one Redis Cluster slot): `…:seq` the counter,
 * `…:log` a hash seq → update, `…:snap` and `…:snapseq` the snapshot. Binary is stored as base64
 * (scripts return strings). Durability is the Redis server's: an append resolves once Redis has it
 * in memory and, with `appendfsync always`, on disk.
 *
 * The authority (COLLAB-30): `…:authority` names the room's node, which it stays for as long as that
 * node's own lease (`<prefix>:node:{<node>}`, renewed every period) lives.
 *
 * Chat (CHAT-4): `…:chatseq` the counter, `…:chat` a hash serial → message JSON, `…:read` a hash
 * user → read position. INCR and HSET in one script: every node numbers a room's messages from one
 * counter, and no serial is ever taken without its message being written (no gap).
 *
 * Versions (COLLAB-50): `…:verseq` the last id given (pruning never lowers it), `…:versions` a hash
 * id → entry JSON and `…:verstates` a hash id → state, apart so listing reads no state, and
 * `…:verplain` the unlabelled ids oldest first, so pruning pops them instead of reading every entry.
 */
import { decodeBase64, encodeBase64 } from '../protocol/base64.js';
import type { ChatMessage } from '../chat/types.js';
import type { AssetEntry, AssetMark, AssetPut, ChatChange, ChatChangeResult, ChatDraft, ChatPage, ChatPageQuery, DocumentStore, StoredDocument, StoredUpdate, VersionDraft, VersionEntry } from '../core/store.js';
import { RoomChains } from './room-chains.js';
import { applyChange, chatRecord, pageRange, readChatRecord, serialsOf } from './chat-records.js';
import { isVersionId, keepOf, readVersionEntry, versionRecord } from './version-records.js';

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

// [COLLAB-30] The room's authority is ARGV[1] if the room has none, is its already, or was ARGV[2]'s
// (a holder whose node lease the caller found lapsed): the key lives by its node's lease, not a TTL
// of its own. Returns the authority after.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] and current ~= ARGV[2] then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

// A node's lease: 1 if it was there. A TTL of 0 drops it (the node leaves).
const RENEW_NODE = `
local was = redis.call('EXISTS', KEYS[1])
if ARGV[1] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return was`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

// The draft's JSON with the serial put first: '{"serial":7,' .. the draft after its '{'. A sender id
// already seen (ARGV[2], '' for none) returns the message stored with it: a retried send lands once.
const APPEND_CHAT = `
if ARGV[2] ~= '' then
  local known = redis.call('HGET', KEYS[3], ARGV[2])
  if known then return redis.call('HGET', KEYS[2], known) end
end
local serial = redis.call('INCR', KEYS[1])
local json = '{"serial":' .. serial .. ',' .. string.sub(ARGV[1], 2)
redis.call('HSET', KEYS[2], serial, json)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], serial) end
return json`;

// Compare-and-set: the change was decided on the record as read; it lands only if that is still it.
const CHANGE_CHAT = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

const PAGE_CHAT = `
local out = { redis.call('GET', KEYS[1]) or '0' }
if #ARGV > 0 then for _, v in ipairs(redis.call('HMGET', KEYS[2], unpack(ARGV))) do out[#out + 1] = v end end
return out`;

const RAISE_READ = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local wanted = tonumber(ARGV[2])
if wanted > current then redis.call('HSET', KEYS[1], ARGV[1], wanted) return wanted end
return current`;

/** [COLLAB-47] 1 stored, 0 there already, -1 past the room's limit (ARGV[4]; -1 for none). */
const PUT_ASSET = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HDEL', KEYS[3], ARGV[1])
  return 0
end
local total = tonumber(redis.call('GET', KEYS[2]) or '0')
local max = tonumber(ARGV[4])
if max >= 0 and total + tonumber(ARGV[3]) > max then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], ARGV[3])
return 1`;

/** KEYS: assets, unused. ARGV: (id, since or '') pairs. [COLLAB-48] Marks or clears, for assets the room has. */
const MARK_ASSETS = `
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[2], ARGV[i]) else redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  end
end
return 1`;

/**
 * KEYS: assets, assetbytes, unused. ARGV: before, ids... [COLLAB-48] Deletes the ids still marked
 * unused since `before` or earlier; the room's sum loses their bytes (base64 stored: 3 per 4
 * characters, less the padding). Returns the ids deleted.
 */
const DELETE_ASSETS = `
local before, out, freed = tonumber(ARGV[1]), {}, 0
for i = 2, #ARGV do
  local since = tonumber(redis.call('HGET', KEYS[3], ARGV[i]) or '')
  local stored = since and since <= before and redis.call('HGET', KEYS[1], ARGV[i])
  if stored then
    local pad = string.sub(stored, -2) == '==' and 2 or (string.sub(stored, -1) == '=' and 1 or 0)
    freed = freed + (#stored / 4) * 3 - pad
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
    out[#out + 1] = ARGV[i]
  end
end
if freed > 0 then redis.call('DECRBY', KEYS[2], freed) end
return out`;

// [CHAT-14] The ids of ARGV the room's assets hash has, in their order: HEXISTS reads no bytes.
const HAS_ASSETS = `
local out = {}
for _, id in ipairs(ARGV) do
  if redis.call('HEXISTS', KEYS[1], id) == 1 then out[#out + 1] = id end
end
return out`;

/**
 * KEYS: verseq, versions, verstates, verplain. ARGV: entry JSON less its id, state, '1' labelled,
 * keep (-1 for no limit). [COLLAB-50] The entry gets its id put first, as a chat message its serial;
 * the put and its pruning are one script, so racing puts from several nodes never keep too many.
 */
const PUT_VERSION = `
local id = redis.call('INCR', KEYS[1])
local json = '{"id":' .. id .. ',' .. string.sub(ARGV[1], 2)
redis.call('HSET', KEYS[2], id, json)
redis.call('HSET', KEYS[3], id, ARGV[2])
if ARGV[3] ~= '1' then redis.call('RPUSH', KEYS[4], id) end
local keep = tonumber(ARGV[4])
local excess = redis.call('LLEN', KEYS[4]) - keep
if keep >= 0 and excess > 0 then
  for _, old in ipairs(redis.call('LRANGE', KEYS[4], 0, excess - 1)) do
    redis.call('HDEL', KEYS[2], old)
    redis.call('HDEL', KEYS[3], old)
  end
  redis.call('LTRIM', KEYS[4], excess, -1)
end
return json`;

/** Attempts of a change that keeps meeting a concurrent change of the same message (from other nodes). */
const CHANGE_ATTEMPTS = 12;

export class RedisStore implements DocumentStore {
  private readonly client: RedisEval;
  private readonly prefix: string;
  /** Each room's changes of messages from this node, one at a time (see changeChat). */
  private readonly changing = new RoomChains();

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

  async appendChat(room: string, draft: ChatDraft): Promise<ChatMessage> {
    const k = this.keys(room);
    const json = JSON.stringify(chatRecord(draft));
    return readChatRecord(String(await this.client.eval(APPEND_CHAT, 3, k.chatseq, k.chat, k.chatids, json, draft.id ?? '')));
  }

  /**
   * Read, change, then write only if the record is still what was read. A room's changes from this
   * node go one at a time, so a burst of reactions to one message (CHAT-15) never races itself;
   * only other nodes' changes can make a write miss, and a miss waits a random moment and reads again.
   */
  changeChat(room: string, serial: number, authorId: string, change: ChatChange): Promise<ChatChangeResult> {
    return this.changing.run(room, () => this.compareAndChange(room, serial, authorId, change));
  }

  private async compareAndChange(room: string, serial: number, authorId: string, change: ChatChange): Promise<ChatChangeResult> {
    const k = this.keys(room);
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, Math.random() * 4 * attempt));
      const [, stored] = (await this.client.eval(PAGE_CHAT, 2, k.chatseq, k.chat, serial)) as (string | null)[];
      const old = typeof stored === 'string' ? readChatRecord(stored) : undefined;
      const result = applyChange(old, authorId, change);
      if (!('message' in result) || typeof stored !== 'string' || result.message === old) return result;
      if (Number(await this.client.eval(CHANGE_CHAT, 1, k.chat, serial, stored, JSON.stringify(result.message))) === 1) return result;
    }
    throw new Error(`chat message ${serial} of room ${room} kept changing under this change`);
  }

  async chatPage(room: string, query: ChatPageQuery): Promise<ChatPage> {
    const k = this.keys(room);
    // Two round trips: the last serial decides the range. A message appended between them is
    // simply not on this page (the range was computed before it existed).
    const [last = '0'] = (await this.client.eval(PAGE_CHAT, 2, k.chatseq, k.chat)) as string[];
    const range = pageRange(Number(last), query);
    const serials = serialsOf(range);
    const [, ...records] = (await this.client.eval(PAGE_CHAT, 2, k.chatseq, k.chat, ...serials)) as (string | null)[];
    return { messages: records.map((r) => readChatRecord(String(r))), hasMore: range.hasMore };
  }

  async setChatRead(room: string, userId: string, serial: number): Promise<number> {
    return Number(await this.client.eval(RAISE_READ, 1, this.keys(room).read, userId, serial));
  }

  async chatRead(room: string, userId: string): Promise<number> {
    return Number(await this.client.eval(`return redis.call('HGET', KEYS[1], ARGV[1]) or '0'`, 1, this.keys(room).read, userId));
  }

  async putAsset(room: string, id: string, bytes: Uint8Array, maxRoomBytes = Infinity): Promise<AssetPut> {
    const k = this.keys(room);
    const max = Number.isFinite(maxRoomBytes) ? maxRoomBytes : -1;
    const put = Number(await this.client.eval(PUT_ASSET, 3, k.assets, k.assetbytes, k.assetunused, id, encodeBase64(bytes), bytes.byteLength, max));
    return put === 1 ? 'stored' : put === 0 ? 'exists' : 'full';
  }

  async getAsset(room: string, id: string): Promise<Uint8Array | undefined> {
    const stored = (await this.client.eval(`return redis.call('HGET', KEYS[1], ARGV[1])`, 1, this.keys(room).assets, id)) as string | null;
    return typeof stored === 'string' ? this.bytes(stored) : undefined;
  }

  async hasAssets(room: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.client.eval(HAS_ASSETS, 1, this.keys(room).assets, ...ids)) as string[];
  }

  async listAssets(room: string): Promise<AssetEntry[]> {
    const k = this.keys(room);
    const [ids, marks] = (await this.client.eval(`return { redis.call('HKEYS', KEYS[1]), redis.call('HGETALL', KEYS[2]) }`, 2, k.assets, k.assetunused)) as [string[], string[]];
    const since = new Map<string, number>();
    for (let i = 0; i + 1 < marks.length; i += 2) since.set(marks[i]!, Number(marks[i + 1]));
    return ids.map((id) => (since.has(id) ? { id, unusedSince: since.get(id)! } : { id }));
  }

  async markAssets(room: string, marks: readonly AssetMark[]): Promise<void> {
    if (marks.length === 0) return;
    const k = this.keys(room);
    await this.client.eval(MARK_ASSETS, 2, k.assets, k.assetunused, ...marks.flatMap(({ id, unusedSince }) => [id, unusedSince === null ? '' : String(unusedSince)]));
  }

  async deleteAssets(room: string, ids: readonly string[], before: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const k = this.keys(room);
    return ((await this.client.eval(DELETE_ASSETS, 3, k.assets, k.assetbytes, k.assetunused, before, ...ids)) as string[]).map(String);
  }

  async putVersion(room: string, draft: VersionDraft, keep: number): Promise<VersionEntry> {
    const k = this.keys(room);
    const record = versionRecord(draft);
    const json = await this.client.eval(PUT_VERSION, 4, k.verseq, k.versions, k.verstates, k.verplain, JSON.stringify(record), encodeBase64(draft.state), record.label === undefined ? '0' : '1', keepOf(keep) ?? -1);
    return readVersionEntry(String(json));
  }

  async listVersions(room: string): Promise<VersionEntry[]> {
    const values = (await this.client.eval(`return redis.call('HVALS', KEYS[1])`, 1, this.keys(room).versions)) as string[];
    return values.map(readVersionEntry).sort((a, b) => b.id - a.id);
  }

  async getVersion(room: string, id: number): Promise<Uint8Array | undefined> {
    if (!isVersionId(id)) return undefined;
    const stored = (await this.client.eval(`return redis.call('HGET', KEYS[1], ARGV[1])`, 1, this.keys(room).verstates, id)) as string | null;
    return typeof stored === 'string' ? this.bytes(stored) : undefined;
  }

  async delete(room: string): Promise<void> {
    const k = this.keys(room);
    const all = [k.seq, k.log, k.snap, k.snapseq, k.chatseq, k.chat, k.read, k.chatids, k.authority, k.assets, k.assetbytes, k.assetunused, k.verseq, k.versions, k.verstates, k.verplain];
    await this.client.eval(`return redis.call('DEL', unpack(KEYS))`, all.length, ...all);
  }

  async renewNode(node: string, ttlMs: number): Promise<boolean> {
    const ttl = ttlMs <= 0 ? 0 : Math.max(1, Math.round(ttlMs));
    return Number(await this.client.eval(RENEW_NODE, 1, this.nodeKey(node), ttl)) === 1;
  }

  /**
   * One round trip while the room is free or this node's; two more when another node holds it: its
   * lease is looked at on its own key (another slot on a Redis Cluster), then the room is taken
   * only if that holder is still written for it.
   */
  async claimAuthority(room: string, node: string): Promise<string> {
    const key = this.keys(room).authority;
    const holder = String(await this.client.eval(CLAIM, 1, key, node, ''));
    if (holder === node || (await this.alive(holder))) return holder;
    return String(await this.client.eval(CLAIM, 1, key, node, holder));
  }

  async liveNodes(nodes: readonly string[]): Promise<Set<string>> {
    const alive = await Promise.all(nodes.map((n) => this.alive(n)));
    return new Set(nodes.filter((_, i) => alive[i]));
  }

  async releaseAuthority(room: string, node: string): Promise<void> {
    await this.client.eval(RELEASE, 1, this.keys(room).authority, node);
  }

  /** The client belongs to the caller, who closes it. */
  async close(): Promise<void> {}

  private keys(room: string) {
    const base = `${this.prefix}:{${room}}`;
    return { seq: `${base}:seq`, log: `${base}:log`, snap: `${base}:snap`, snapseq: `${base}:snapseq`, authority: `${base}:authority`, chatseq: `${base}:chatseq`, chat: `${base}:chat`, read: `${base}:read`, chatids: `${base}:chatids`, assets: `${base}:assets`, assetbytes: `${base}:assetbytes`, assetunused: `${base}:assetunused`, verseq: `${base}:verseq`, versions: `${base}:versions`, verstates: `${base}:verstates`, verplain: `${base}:verplain` };
  }

  private async alive(node: string): Promise<boolean> {
    return Number(await this.client.eval(`return redis.call('EXISTS', KEYS[1])`, 1, this.nodeKey(node))) === 1;
  }

  /** [COLLAB-30] A node's lease: its own slot on a Redis Cluster. */
  private nodeKey(node: string): string {
    return `${this.prefix}:node:{${node}}`;
  }

  private bytes(text: string | undefined): Uint8Array {
    const bytes = decodeBase64(text);
    if (!bytes) throw new Error('stored data is not base64: the key holds something this store did not write');
    return bytes;
  }
}
