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

/** ARGV: P, ids... [SESS-3] A held connect's lease: last seen = now, for sessions that exist. */
export const TOUCH = script('touch', `
local t = now()
for i = 2, #ARGV do redis.call('ZADD', P .. 'sessions', 'XX', t, ARGV[i]) end
return 1
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
      redis.call('DEL', streamKey(n) .. ':m', streamKey(n) .. ':x')
      if lease then redis.call('ZREM', P .. 'listened', n) end
      swept[#swept + 1] = n
      local p = parent(n)
      if p then children[p] = children[p] - 1 end
    end
  end
end
return { pruned, swept, lj }
`);
