/**
 * The Redis engine's Lua scripts (SPEC: REDIS-*). Each engine operation that touches more than one
 * key is one script, so it is atomic and costs one round trip. Every script gets the key prefix as
 * ARGV[1]; keys are built inside the scripts (which is why Redis Cluster is not supported: one
 * primary, with replicas or Sentinel, holds everything).
 *
 * Keys, under prefix P:
 *   P sessions       ZSET clientId → last seen (Redis clock, ms); pruning reads it by score
 *   P s:<id>         HASH d = session data (JSON), b = queued bytes, a = '1' in ack mode,
 *                         n = last batch number, u = batch awaiting acknowledgement,
 *                         w = the node watching the session
 *   P q:<id>         LIST queued deliveries (JSON), oldest first
 *   P ua:<id>        LIST the unacknowledged batch's deliveries (ack mode)
 *   P subs:<id>      SET  patterns the session subscribes to
 *   P chan:<pattern> SET  clientIds subscribed to the pattern
 *   P channels       SET  known channels (for hasChannel and sweeping)
 *   P persistent     SET  channels never swept
 *   P listened       ZSET pattern → lease expiry (ms): some node has a server-side listener
 *   P nsubs          STRING the number of subscriptions (stats)
 *   P lock:sweep     STRING the node sweeping this period (SET NX PX)
 *   P wake           pub/sub channel: "origin\nwake\nremoved\nmoved\nlife\nmessage": space-separated ids
 *                    whose queue became non-empty / that were removed / whose watcher moved to the
 *                    origin node; lifecycle events (LIFE-*, JSON, or ''); the message only when some
 *                    node listens to a matching pattern
 *
 * Lifecycle entries (the `life` field, and returned to the node that ran the script), each an array
 * of strings, data being the session's stored JSON ('' for none):
 *   {'o', channel, id, data}           the channel's first subscriber (SCARD went 0 → 1)
 *   {'v', channel, id, data, reason}   its last subscriber went (unsubscribe or the session's removal)
 *   {'r', id, data, reason}            a session was removed
 */
import { createHash } from 'node:crypto';

const PRELUDE = `
-- Redis 5 and 6 need this before writing after TIME; Redis 7 always replicates effects.
if redis.replicate_commands then redis.replicate_commands() end
local P = ARGV[1]
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function parent(name)
  return string.match(name, '^(.+)/[^/]*$')
end
-- Adds a channel and the parents it did not have yet (CometD's tree); collects the new names.
local function addChannel(name, added)
  while name do
    if redis.call('SADD', P .. 'channels', name) == 0 then return end
    added[#added + 1] = name
    name = parent(name)
  end
end
local function sessionData(id)
  return redis.call('HGET', P .. 's:' .. id, 'd') or ''
end
local function lifeJson(life)
  if #life == 0 then return '' end
  return cjson.encode(life)
end
-- Removes a session with its subscriptions, queue and batches; returns its patterns, or false.
-- [LIFE-3][LIFE-4] Appends its removal to \`life\`, then each channel it was the last subscriber of.
local function removeSession(id, reason, life)
  if not redis.call('ZSCORE', P .. 'sessions', id) then return false end
  local data = sessionData(id)
  life[#life + 1] = { 'r', id, data, reason }
  local subs = redis.call('SMEMBERS', P .. 'subs:' .. id)
  for _, p in ipairs(subs) do
    local chan = P .. 'chan:' .. p
    if redis.call('SREM', chan, id) == 1 and redis.call('SCARD', chan) == 0 then
      life[#life + 1] = { 'v', p, id, data, reason }
    end
  end
  if #subs > 0 then redis.call('DECRBY', P .. 'nsubs', #subs) end
  redis.call('ZREM', P .. 'sessions', id)
  redis.call('DEL', P .. 's:' .. id, P .. 'subs:' .. id, P .. 'q:' .. id, P .. 'ua:' .. id)
  return subs
end
local function pushAll(key, items)
  for i = 1, #items, 1000 do
    redis.call('RPUSH', key, unpack(items, i, math.min(i + 999, #items)))
  end
end
-- One notification for the whole operation, never one per recipient.
local function notify(node, wake, removed, moved, msg, life)
  if #wake == 0 and #removed == 0 and #moved == 0 and msg == '' and life == '' then return end
  redis.call('PUBLISH', P .. 'wake', node .. '\\n' .. table.concat(wake, ' ') .. '\\n' ..
    table.concat(removed, ' ') .. '\\n' .. table.concat(moved, ' ') .. '\\n' .. life .. '\\n' .. msg)
end
local function newState(maxQ, maxB, policy)
  return { maxQ = tonumber(maxQ), maxB = tonumber(maxB), policy = policy,
    wake = {}, over = {}, removed = {}, removedIds = {}, life = {} }
end
-- [LIMIT-6] Queues one delivery within the bounds; the same rules as the memory engine.
local function enqueue(id, msg, st)
  local q = P .. 'q:' .. id
  local s = P .. 's:' .. id
  local size = #msg
  local len = redis.call('LLEN', q)
  local bytes = tonumber(redis.call('HGET', s, 'b') or '0')
  if len >= st.maxQ or bytes + size > st.maxB then
    if st.policy == 'disconnect' then
      local subs = removeSession(id, 'overflow', st.life)
      if subs then
        st.over[#st.over + 1] = { id, len + 1, 'disconnect' }
        st.removedIds[#st.removedIds + 1] = id
        table.insert(subs, 1, id)
        st.removed[#st.removed + 1] = subs
      end
      return
    end
    -- A message larger than the whole bound is the one dropped; the queue is left alone.
    if size > st.maxB then
      st.over[#st.over + 1] = { id, 1, 'drop-oldest' }
      return
    end
    local dropped = 0
    while len > 0 and (len >= st.maxQ or bytes + size > st.maxB) do
      local old = redis.call('LPOP', q)
      bytes = bytes - #old
      len = len - 1
      dropped = dropped + 1
    end
    st.over[#st.over + 1] = { id, dropped, 'drop-oldest' }
  end
  redis.call('RPUSH', q, msg)
  redis.call('HSET', s, 'b', bytes + size)
  if len == 0 then st.wake[#st.wake + 1] = id end
end
`;

/** A script and its SHA1, run by EVALSHA (loaded at start; EVAL if Redis forgot it). */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, body: string): LuaScript {
  const source = PRELUDE + body;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** ARGV: P, id, data ('' = none). */
export const CREATE = script('create', `
redis.call('ZADD', P .. 'sessions', now(), ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', P .. 's:' .. ARGV[2], 'd', ARGV[3]) end
return 1
`);

/** ARGV: P, node, id, reason. Returns nil when the session was not there, else {patterns, life}. */
export const DESTROY = script('destroy', `
local life = {}
local subs = removeSession(ARGV[3], ARGV[4], life)
if not subs then return false end
local lj = lifeJson(life)
notify(ARGV[2], {}, { ARGV[3] }, {}, '', lj)
return { subs, lj }
`);

/**
 * ARGV: P, id, pattern, node. Returns nil (no session) or {1|0 newly subscribed, channels added,
 * life}. [LIFE-1] The set's size decides "first" inside the script: one node in the cluster sees it.
 */
export const SUBSCRIBE = script('subscribe', `
local id, pattern = ARGV[2], ARGV[3]
if not redis.call('ZSCORE', P .. 'sessions', id) then return false end
local added = {}
addChannel(pattern, added)
local fresh = redis.call('SADD', P .. 'subs:' .. id, pattern)
local life = ''
if fresh == 1 then
  local chan = P .. 'chan:' .. pattern
  redis.call('SADD', chan, id)
  redis.call('INCR', P .. 'nsubs')
  if redis.call('SCARD', chan) == 1 then
    life = lifeJson({ { 'o', pattern, id, sessionData(id) } })
    notify(ARGV[4], {}, {}, {}, '', life)
  end
end
return { fresh, added, life }
`);

/** ARGV: P, id, pattern, node. Returns -1 (no session) or {1 removed | 0 was not subscribed, life}. */
export const UNSUBSCRIBE = script('unsubscribe', `
local id, pattern = ARGV[2], ARGV[3]
if not redis.call('ZSCORE', P .. 'sessions', id) then return -1 end
local gone = redis.call('SREM', P .. 'subs:' .. id, pattern)
local life = ''
if gone == 1 then
  local chan = P .. 'chan:' .. pattern
  redis.call('SREM', chan, id)
  redis.call('DECR', P .. 'nsubs')
  if redis.call('SCARD', chan) == 0 then
    life = lifeJson({ { 'v', pattern, id, sessionData(id), 'unsubscribe' } })
    notify(ARGV[4], {}, {}, {}, '', life)
  end
end
return { gone, life }
`);

/** ARGV: P, channel. [LIFE-5] The channel's subscribers, flat: id, data ('' for none), id, data... */
export const SUBSCRIBERS = script('subscribers', `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', P .. 'chan:' .. ARGV[2])) do
  out[#out + 1] = id
  out[#out + 1] = sessionData(id)
end
return out
`);

/**
 * ARGV: P, node, channel, message JSON, maxQueue, maxQueueBytes, overflow, patterns...
 * Matching patterns → SUNION of their subscriber sets → RPUSH to each queue → one PUBLISH.
 * Returns {recipients, channels added, overflow events, removed sessions ({id, patterns...}), life}.
 */
export const PUBLISH = script('publish', `
local st = newState(ARGV[5], ARGV[6], ARGV[7])
local added = {}
addChannel(ARGV[3], added)
local keys = {}
local listened = false
local t = now()
for i = 8, #ARGV do
  keys[#keys + 1] = P .. 'chan:' .. ARGV[i]
  if not listened then
    local lease = redis.call('ZSCORE', P .. 'listened', ARGV[i])
    if lease and tonumber(lease) >= t then listened = true end
  end
end
local targets = redis.call('SUNION', unpack(keys))
for _, id in ipairs(targets) do enqueue(id, ARGV[4], st) end
local lj = lifeJson(st.life)
notify(ARGV[2], st.wake, st.removedIds, {}, listened and ARGV[4] or '', lj)
return { #targets, added, st.over, st.removed, lj }
`);

/** ARGV: P, node, id, maxQueue, maxQueueBytes, overflow, messages... Returns nil or {over, removed, life}. */
export const DELIVER = script('deliver', `
if not redis.call('ZSCORE', P .. 'sessions', ARGV[3]) then return false end
local st = newState(ARGV[4], ARGV[5], ARGV[6])
for i = 7, #ARGV do
  if not redis.call('ZSCORE', P .. 'sessions', ARGV[3]) then break end
  enqueue(ARGV[3], ARGV[i], st)
end
local lj = lifeJson(st.life)
notify(ARGV[2], st.wake, st.removedIds, {}, '', lj)
return { st.over, st.removed, lj }
`);

/**
 * ARGV: P, id... For each id in turn, everything queued, oldest first; the queue is left empty.
 * One call for all the takes of a turn (REDIS-7).
 */
export const TAKE = script('take', `
local out = {}
for i = 2, #ARGV do
  local q = P .. 'q:' .. ARGV[i]
  local items = redis.call('LRANGE', q, 0, -1)
  if #items > 0 then
    redis.call('DEL', q)
    redis.call('HSET', P .. 's:' .. ARGV[i], 'b', 0)
  end
  out[#out + 1] = items
end
return out
`);

/**
 * ARGV: P, id, acked ('' = none), maxQueue, maxQueueBytes. [ACK-2] Forgets the acknowledged batch;
 * returns {batch, messages, dropped}: the unacknowledged batch again (if not acked), then what was
 * queued, as one new batch, bounded like a queue (LIMIT-6: the oldest go). Not in ack mode:
 * {0, queued, 0}.
 */
export const TAKE_BATCH = script('takeBatch', `
local id, acked = ARGV[2], ARGV[3]
local maxQ, maxB = tonumber(ARGV[4]), tonumber(ARGV[5])
local s, q, ua = P .. 's:' .. id, P .. 'q:' .. id, P .. 'ua:' .. id
local fresh = redis.call('LRANGE', q, 0, -1)
if #fresh > 0 then
  redis.call('DEL', q)
  redis.call('HSET', s, 'b', 0)
end
if redis.call('HGET', s, 'a') ~= '1' then return { 0, fresh, 0 } end
local pending = tonumber(redis.call('HGET', s, 'u') or '0')
local all = {}
if pending > 0 and (acked == '' or tonumber(acked) < pending) then all = redis.call('LRANGE', ua, 0, -1) end
for _, m in ipairs(fresh) do all[#all + 1] = m end
local bytes = 0
for _, m in ipairs(all) do bytes = bytes + #m end
local start = 1
while start <= #all and (#all - start + 1 > maxQ or bytes > maxB) do
  bytes = bytes - #all[start]
  start = start + 1
end
local msgs = all
if start > 1 then
  msgs = {}
  for i = start, #all do msgs[#msgs + 1] = all[i] end
end
local batch = redis.call('HINCRBY', s, 'n', 1)
redis.call('DEL', ua)
if #msgs > 0 then
  pushAll(ua, msgs)
  redis.call('HSET', s, 'u', batch)
else
  redis.call('HDEL', s, 'u')
end
return { batch, msgs, start - 1 }
`);

/** ARGV: P, id, '1' | '0'. */
export const SET_ACK = script('setAck', `
if not redis.call('ZSCORE', P .. 'sessions', ARGV[2]) then return 0 end
local s = P .. 's:' .. ARGV[2]
if ARGV[3] == '1' then
  redis.call('HSET', s, 'a', '1')
else
  redis.call('HDEL', s, 'a', 'u', 'n')
  redis.call('DEL', P .. 'ua:' .. ARGV[2])
end
return 1
`);

/**
 * ARGV: P, node, id, claim ('1' | '0'). -1 when the session is unknown, else the queue's length.
 * Claiming makes this node the session's watcher: the node that watched it before is told to let go
 * (one watcher per session in the whole cluster, so a half-open socket elsewhere takes nothing).
 */
export const WATCH = script('watch', `
local id = ARGV[3]
if not redis.call('ZSCORE', P .. 'sessions', id) then return -1 end
if ARGV[4] == '1' then
  local s = P .. 's:' .. id
  local before = redis.call('HGET', s, 'w')
  if before ~= ARGV[2] then
    redis.call('HSET', s, 'w', ARGV[2])
    if before then notify(ARGV[2], {}, {}, { id }, '', '') end
  end
end
return redis.call('LLEN', P .. 'q:' .. id)
`);

/** ARGV: P, ids... [SESS-3] A held connect's lease: last seen = now, for sessions that exist. */
export const TOUCH = script('touch', `
local t = now()
for i = 2, #ARGV do redis.call('ZADD', P .. 'sessions', 'XX', t, ARGV[i]) end
return 1
`);

/** ARGV: P, lease ms, patterns... Server-side listeners' leases; returns the channels added. */
export const LISTEN = script('listen', `
local expiry = now() + tonumber(ARGV[2])
local added = {}
for i = 3, #ARGV do
  redis.call('ZADD', P .. 'listened', expiry, ARGV[i])
  addChannel(ARGV[i], added)
end
return added
`);

/** ARGV: P, channel, '1' | '0'. Returns the channels added. */
export const PERSIST = script('persist', `
local added = {}
if ARGV[3] == '1' then
  redis.call('SADD', P .. 'persistent', ARGV[2])
  addChannel(ARGV[2], added)
else
  redis.call('SREM', P .. 'persistent', ARGV[2])
end
return added
`);

/**
 * ARGV: P, node, prune after ms, lock ms, most sessions per run. [REDIS-4] One node per period
 * (the lock), and atomic anyway: a session is pruned exactly once cluster-wide. Returns nil (another
 * node has the period) or {pruned ({id, patterns...}), channels swept, life}.
 */
export const SWEEP = script('sweep', `
if not redis.call('SET', P .. 'lock:sweep', ARGV[2], 'NX', 'PX', tonumber(ARGV[4])) then return false end
local t = now()
local ids = redis.call('ZRANGEBYSCORE', P .. 'sessions', '-inf', t - tonumber(ARGV[3]), 'LIMIT', 0, tonumber(ARGV[5]))
local pruned, prunedIds, life = {}, {}, {}
for _, id in ipairs(ids) do
  local subs = removeSession(id, 'pruned', life)
  if subs then
    table.insert(subs, 1, id)
    pruned[#pruned + 1] = subs
    prunedIds[#prunedIds + 1] = id
  end
end
local lj = lifeJson(life)
notify(ARGV[2], {}, prunedIds, {}, '', lj)
-- [SWEEP-1] Deepest first, so a chain /a/b/c, /a/b, /a goes in one sweep.
local names = redis.call('SMEMBERS', P .. 'channels')
local children = {}
for _, n in ipairs(names) do
  local p = parent(n)
  if p then children[p] = (children[p] or 0) + 1 end
end
table.sort(names, function(a, b) return #a > #b end)
local swept = {}
for _, n in ipairs(names) do
  if (children[n] or 0) == 0 and redis.call('SISMEMBER', P .. 'persistent', n) == 0
    and redis.call('EXISTS', P .. 'chan:' .. n) == 0 then
    local lease = redis.call('ZSCORE', P .. 'listened', n)
    if not lease or tonumber(lease) < t then
      redis.call('SREM', P .. 'channels', n)
      if lease then redis.call('ZREM', P .. 'listened', n) end
      swept[#swept + 1] = n
      local p = parent(n)
      if p then children[p] = children[p] - 1 end
    end
  end
end
return { pruned, swept, lj }
`);

export const ALL_SCRIPTS: readonly LuaScript[] = [
  CREATE, DESTROY, SUBSCRIBE, UNSUBSCRIBE, SUBSCRIBERS, PUBLISH, DELIVER, TAKE, TAKE_BATCH, SET_ACK, WATCH, TOUCH, LISTEN, PERSIST, SWEEP,
];
