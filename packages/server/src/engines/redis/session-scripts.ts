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
  -- [ENG-STREAM-9] The session's ack record, empty (no batch yet), so a batch's write needs no check.
  redis.call('SET', P .. 'ack:' .. ARGV[2], '0\\t\\n', 'NX')
else
  redis.call('HDEL', s, 'a')
  redis.call('DEL', P .. 'ack:' .. ARGV[2])
end
return 1
`);

/**
 * ARGV: P, node, ids... [SESS-3][ENG-STREAM-8] `node` now holds a connect of each session: the
 * session is out of pruning's reach (score +inf) for as long as the node's lease lives. One write
 * per session when its node starts holding it, none per connect answered or per second. Returns
 * {1 when the node's lease was not there (as UPKEEP: node-lease.ts), no channels}.
 */
export const HOLD = script('hold', `
local node = ARGV[2]
-- A node holding a connect is alive: its lease is renewed with it (before its first period ends).
local absent = redis.call('ZADD', P .. 'nodes', now(), node)
for i = 3, #ARGV do
  local id = ARGV[i]
  -- Several nodes may hold one (a client's requests alternate, a half-open socket): h counts them.
  if redis.call('ZSCORE', P .. 'sessions', id) and redis.call('SADD', P .. 'held:' .. node, id) == 1 then
    redis.call('HINCRBY', P .. 's:' .. id, 'h', 1)
    redis.call('ZADD', P .. 'sessions', 'XX', 'inf', id)
  end
end
return { absent, {} }
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
 * ARGV: P, node, prune after ms, lock ms, most sessions per run, node lease ms. [REDIS-4] A sweep
 * alone (UPKEEP is the period's, with the lease and the positions): `sweepOnce`'s reply (lua.ts).
 */
export const SWEEP = script('sweep', `
return sweepOnce(2, nil)
`);

/**
 * ARGV: P, node, prune after ms, lock ms, most sessions per run, node lease ms, then, when the
 * node's per-stream positions are due, NODE_POSITIONS's arguments after the node. [ENG-STREAM-8]
 * A node's whole period in one script (one call, one wake of Redis, one TIME): its lease,
 * the sweep if no other node has the period (as SWEEP), its positions. Returns {1 when the node was
 * not there (its first renewal, or a sweep took it for gone), the sweep's reply}.
 */
export const UPKEEP = script('upkeep', `
local t = now()
local lapsed = redis.call('ZADD', P .. 'nodes', t, ARGV[2])
local swept = sweepOnce(2, t)
if #ARGV >= 7 then nodePositionsAt(ARGV[2], 7) end
return { lapsed, swept }
`);
