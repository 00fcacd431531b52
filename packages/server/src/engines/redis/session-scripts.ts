/**
 * The Redis engine's session scripts (SPEC: REDIS-4, SESS-*, ACK-*): a session made and removed,
 * its ack flag, its held connects' leases, and the cluster-wide prune and sweep. Keys: scripts.ts.
 */
import { script } from './lua.js';

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
 * ARGV: P, node, ids... [SESS-3][ENG-STREAM-8] `node` now holds a connect of each session: the
 * session is out of pruning's reach (score +inf) for as long as the node's lease lives. One write
 * per session when its node starts holding it, none per connect answered or per second.
 */
export const HOLD = script('hold', `
local node = ARGV[2]
-- A node holding a connect is alive: its lease is renewed with it (before its first period ends).
redis.call('ZADD', P .. 'nodes', now(), node)
for i = 3, #ARGV do
  local id = ARGV[i]
  -- Several nodes may hold one (a client's requests alternate, a half-open socket): h counts them.
  if redis.call('ZSCORE', P .. 'sessions', id) and redis.call('SADD', P .. 'held:' .. node, id) == 1 then
    redis.call('HINCRBY', P .. 's:' .. id, 'h', 1)
    redis.call('ZADD', P .. 'sessions', 'XX', 'inf', id)
  end
end
return 1
`);

/**
 * ARGV: P, node, then pairs (id, ms since its last connect here ended). [SESS-2] The node no
 * longer holds a connect of these sessions: their pruning clock starts at that connect's reply (on
 * Redis's clock), unless another node holds one too.
 */
export const RELEASE = script('release', `
local node, t = ARGV[2], now()
for i = 3, #ARGV - 1, 2 do
  local id = ARGV[i]
  if redis.call('SREM', P .. 'held:' .. node, id) == 1 then unhold(id, t - tonumber(ARGV[i + 1])) end
end
return 1
`);

/**
 * ARGV: P, node. [ENG-STREAM-8] The node's lease: one write per node per period, for all it holds.
 * Returns 1 when the node was not there (its first renewal, or a sweep took it for gone).
 */
export const RENEW = script('renew', `
return redis.call('ZADD', P .. 'nodes', now(), ARGV[2])
`);

/**
 * ARGV: P, node, prune after ms, lock ms, most sessions per run, node lease ms. [REDIS-4] One node per period
 * (the lock), and atomic anyway: a session is pruned exactly once cluster-wide. Returns {counts}
 * (another node has the period) or {counts, pruned ({id, patterns...}), channels swept, life};
 * counts = {sessions, channels, subscriptions} for `stats()` (ENG-STREAM-8: no commands of their own).
 */
export const SWEEP = script('sweep', `
local function counts()
  return { redis.call('ZCARD', P .. 'sessions'), redis.call('SCARD', P .. 'channels'), tonumber(redis.call('GET', P .. 'nsubs') or '0') }
end
if not redis.call('SET', P .. 'lock:sweep', ARGV[2], 'NX', 'PX', tonumber(ARGV[4])) then return { counts() } end
local t = now()
-- [ENG-STREAM-8] A node whose lease lapsed is gone: the sessions it held are seen last at its last
-- renewal, and pruned from there unless they connect elsewhere first. Its positions go with it.
local dead = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', t - tonumber(ARGV[6]), 'WITHSCORES')
for i = 1, #dead, 2 do
  local n, last = dead[i], tonumber(dead[i + 1])
  for _, id in ipairs(redis.call('SMEMBERS', P .. 'held:' .. n)) do unhold(id, last) end
  redis.call('DEL', P .. 'held:' .. n)
  redis.call('ZREM', P .. 'nodes', n)
end
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
      -- [REDIS-9] On a cluster the stream is in another slot: the node deletes it (engine-core.ts).
      if not CLUSTER then redis.call('DEL', streamKey(n) .. ':m', streamKey(n) .. ':x') end
      if lease then redis.call('ZREM', P .. 'listened', n) end
      swept[#swept + 1] = n
      local p = parent(n)
      if p then children[p] = children[p] - 1 end
    end
  end
end
return { counts(), pruned, swept, lj }
`);
