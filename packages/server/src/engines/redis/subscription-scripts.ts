/**
 * The Redis engine's subscription and channel scripts (SPEC: SUB-*, LIFE-*): patterns subscribed
 * and unsubscribed, a channel's subscribers, the nodes' server-side listeners and persistent channels.
 * Keys: scripts.ts.
 */
import { script } from './lua.js';

/**
 * ARGV: P, id, pattern, node, stream epoch candidate, stamp ('' = none), the stream's head ('' =
 * read it here; on a Redis Cluster STREAM_HEAD read it first, REDIS-9). Returns nil (no session)
 * or {1|0 newly subscribed, channels added, life, position, when it began (µs, ENG-STREAM-10)}. [LIFE-1] The set's size decides
 * "first" inside the script: one node in the cluster sees it. [ENG-STREAM-4] A new subscription's
 * position is its stream's end now; nodes the session is attached to are told ('+id' in the wake
 * list) to follow it. [ENG-STREAM-8] Stamped when the session is attached to `node` (its watcher).
 */
export const SUBSCRIBE = script('subscribe', `
local id, pattern = ARGV[2], ARGV[3]
if not redis.call('ZSCORE', P .. 'sessions', id) then return false end
local added = {}
addChannel(pattern, added)
local fresh = redis.call('SADD', P .. 'subs:' .. id, pattern)
local life, position, since = '', '', ''
if fresh == 1 then
  local chan = P .. 'chan:' .. pattern
  redis.call('SADD', chan, id)
  redis.call('INCR', P .. 'nsubs')
  -- [ENG-STREAM-10] When it began, on the clock the streams' entries carry.
  since = micros()
  redis.call('HSET', P .. 'since:' .. id, pattern, since)
  if CLUSTER then redis.call('HDEL', P .. 'gone:' .. id, pattern) end
  if redis.call('SCARD', chan) == 1 then life = lifeJson({ { 'o', pattern, id, sessionData(id) } }) end
  if ARGV[7] ~= '' then position = ARGV[7]
  else
    local e, o = streamHead(streamKey(pattern), ARGV[5])
    position = e .. ':' .. o
  end
  local stored = position
  local s = redis.call('HMGET', P .. 's:' .. id, 'w', 'a')
  if ARGV[6] ~= '' and s[1] == ARGV[4] then stored = position .. '@' .. ARGV[6] end
  redis.call('HSET', P .. 'pos:' .. id, pattern, stored)
  -- [ENG-STREAM-9] The node the ack session is attached to may be making a batch without this
  -- subscription: marked until that node has read it (REFRESH), its batches have records of their own.
  if s[1] and s[2] == '1' then redis.call('SADD', P .. 'subd:' .. s[1], id) end
  notify(ARGV[4], { '+' .. id }, {}, {}, '', life)
end
return { fresh, added, life, position, since }
`);

/**
 * ARGV: P, id, pattern, node. Returns -1 (no session) or {1 removed | 0 was not subscribed, life}.
 * On a Redis Cluster the gone subscription is kept a while in gone:<id> (ENG-STREAM-12).
 */
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
    vacant(pattern)
  end
  -- [ENG-STREAM-12] On a cluster, what the pattern gave the session is kept a while for the node
  -- it moves to: when it began, the turn counter then (which of an ack session's records hold its
  -- own position in the stream), and without ack its position (given up to there; the node that
  -- has the session writes it here when it hands the session over: keepGone). The last 8 are
  -- kept (a 9th starts over): one forgotten costs a publish given twice, never one lost.
  local began = CLUSTER and redis.call('HGET', P .. 'since:' .. id, pattern)
  if began then
    local g, at = P .. 'gone:' .. id, ''
    if redis.call('HLEN', g) >= 8 then redis.call('DEL', g) end
    if redis.call('HGET', P .. 's:' .. id, 'a') ~= '1' then
      local e, o = parseStamped(redis.call('HGET', P .. 'pos:' .. id, pattern) or '')
      if e ~= '' then at = ' ' .. e .. ':' .. o end
    end
    redis.call('HSET', g, pattern, began .. ' ' .. (redis.call('GET', P .. 'turn') or '0') .. at)
  end
  redis.call('HDEL', P .. 'pos:' .. id, pattern)
  redis.call('HDEL', P .. 'since:' .. id, pattern)
  notify(ARGV[4], { '+' .. id }, {}, {}, '', life)
end
return { gone, life }
`);

/**
 * ARGV: P, node, id. [ENG-STREAM-4][ENG-STREAM-9] The session's positions (pattern, position pairs,
 * flat) and when each subscription began (pattern, µs pairs: ENG-STREAM-10), read by the node it is attached to after its subscriptions changed: that node follows
 * them from now on, so SUBSCRIBE's mark for it goes.
 */
export const REFRESH = script('refresh', `
redis.call('SREM', P .. 'subd:' .. ARGV[2], ARGV[3])
return { redis.call('HGETALL', P .. 'pos:' .. ARGV[3]), redis.call('HGETALL', P .. 'since:' .. ARGV[3]) }
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
 * ARGV: P, node, patterns... [REDIS-3] The node listens to the patterns (server-side listeners):
 * written once, not renewed; they go when the node stops listening (UNLISTEN) or is gone (its node
 * lease lapsed: the sweep). A node listening is alive: its lease is renewed, so a node that dies
 * before its first period still has its patterns swept. Returns {1 when the node's lease was not
 * there (as UPKEEP: node-lease.ts), the channels added}.
 */
export const LISTEN = script('listen', `
local absent = redis.call('ZADD', P .. 'nodes', now(), ARGV[2])
local added = {}
for i = 3, #ARGV do
  if redis.call('SADD', P .. 'lsn:' .. ARGV[2], ARGV[i]) == 1 then redis.call('HINCRBY', P .. 'lsn', ARGV[i], 1) end
  addChannel(ARGV[i], added)
end
return { absent, added }
`);

/** ARGV: P, node, patterns... [REDIS-3] The node's last listener of each pattern went. */
export const UNLISTEN = script('unlisten', `
local patterns = {}
for i = 3, #ARGV do patterns[#patterns + 1] = ARGV[i] end
unlisten(ARGV[2], patterns)
`);

/** ARGV: P, channel, '1' | '0'. Returns the channels added. */
export const PERSIST = script('persist', `
local added = {}
if ARGV[3] == '1' then
  redis.call('SADD', P .. 'persistent', ARGV[2])
  addChannel(ARGV[2], added)
elseif redis.call('SREM', P .. 'persistent', ARGV[2]) == 1 then
  vacant(ARGV[2])
end
return added
`);
