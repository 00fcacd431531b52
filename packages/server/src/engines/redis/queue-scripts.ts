/**
 * The Redis engine's queue scripts (SPEC: REDIS-2, LIMIT-6, ACK-*): a direct delivery (`deliver()`:
 * service answers, server pushes) to one session's queue, ack batches, and who watches a session.
 * Publishes do not go through queues: stream-scripts.ts. Keys: scripts.ts.
 */
import { script } from './lua.js';

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
 * ARGV: P, id, acked ('' = none), maxQueue, maxQueueBytes[, k, k (pattern, position) pairs, stream
 * deliveries...]. [ACK-2] Forgets the acknowledged batch; returns {batch, messages, dropped}: the
 * unacknowledged batch again (if not acked), then what was queued (and the
 * deliveries read from the session's streams, whose positions move past them in the same script:
 * ENG-STREAM-6), as one new batch, bounded like a queue (LIMIT-6: the oldest go). Not in ack
 * mode: {0, queued, 0}.
 */
export const TAKE_BATCH = script('takeBatch', `
local id, acked = ARGV[2], ARGV[3]
local maxQ, maxB = tonumber(ARGV[4]), tonumber(ARGV[5])
local s, q, ua = P .. 's:' .. id, P .. 'q:' .. id, P .. 'ua:' .. id
if not redis.call('ZSCORE', P .. 'sessions', id) then return { 0, {}, 0 } end
local fresh = redis.call('LRANGE', q, 0, -1)
if #fresh > 0 then
  redis.call('DEL', q)
  redis.call('HSET', s, 'b', 0)
end
local k = tonumber(ARGV[6] or '0')
setPositions(id, 7, k)
for i = 7 + 2 * k, #ARGV do fresh[#fresh + 1] = ARGV[i] end
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

/**
 * ARGV: P, node, id, claim ('1' | '0'). -1 when the session is unknown, else the queue's length.
 * Claiming makes this node the session's watcher: the node that watched it before is told to let go
 * (one watcher per session in the whole cluster, so a half-open socket elsewhere takes nothing).
 */
export const WATCH = script('watch', `
local id = ARGV[3]
if not redis.call('ZSCORE', P .. 'sessions', id) then return -1 end
if ARGV[4] == '1' then claim(id, ARGV[2]) end
return redis.call('LLEN', P .. 'q:' .. id)
`);
