/**
 * The Redis engine's queue scripts (SPEC: REDIS-2, LIMIT-6, ACK-*): a direct delivery (`deliver()`:
 * service answers, server pushes) to one session's queue, ack records, and who watches a session.
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
 * ARGV: P, maxQueue, maxQueueBytes, node, turn ('' = a new one), least number, record ms, the
 * turn's positions ('' = none), then per session one entry:
 *   id, 'w', body — [ACK-2][ENG-STREAM-9] a batch its node made that needs a record of its own
 *     (ack-record.ts): the record (the turn's number, twice, then `body`) written as is;
 *   id, 'q', positions, k, k deliveries, m, m deliveries — a session whose deliver() queue holds
 *     something: the queue is taken into its batch, between the k sent again and the m fresh ones
 *     read from its streams, bounded like a queue (LIMIT-6: the oldest go), and its record written.
 * A new turn's number is the counter's next (at least the least number: past every batch its
 * sessions were given); its positions are written once, for every session given a batch without a
 * record of its own, kept as long as a session may come back with that number. Every record is
 * written before any batch is sent, so another node goes on from them when this one is gone.
 * A session's own record is written only by the node it is attached to (its watcher): a node that
 * has not let go of a session another node claimed writes none. Returns {turn number, sessions the
 * node may be making batches for without knowing a subscription (SUBSCRIBE marked them; only with
 * positions), per entry: 0 when the session is gone or claimed elsewhere, 1 for 'w', {queued,
 * dropped} for 'q'}.
 */
export const TAKE_ACKS = script('takeAcks', `
local maxQ, maxB, node = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local n = ARGV[5]
if n == '' then
  local t, least = redis.call('INCR', P .. 'turn'), tonumber(ARGV[6])
  if t < least then
    t = least
    redis.call('SET', P .. 'turn', string.format('%.0f', t))
  end
  n = string.format('%.0f', t)
end
local marked = {}
if ARGV[8] ~= '' then
  redis.call('SET', P .. 't:' .. n, ARGV[8], 'PX', ARGV[7])
  marked = redis.call('SMEMBERS', P .. 'subd:' .. node)
end
local out = {}
local i = 9
while i <= #ARGV do
  local id, kind = ARGV[i], ARGV[i + 1]
  if kind == 'w' then
    local record = n .. '\\t' .. n .. '\\n' .. ARGV[i + 2]
    -- Claimed by another node meanwhile (this one has not let go yet): its record is that node's.
    -- A removed session has no watcher, nor a record (removal deletes it): nothing written.
    local mine = redis.call('HGET', P .. 's:' .. id, 'w') == node
    local live = mine and redis.call('SET', P .. 'ack:' .. id, record, 'XX')
    if mine and not live and redis.call('ZSCORE', P .. 'sessions', id) then
      -- The record is gone but the session is not (Redis lost it in a failover): made again.
      live = redis.call('SET', P .. 'ack:' .. id, record)
    end
    out[#out + 1] = live and 1 or 0
    i = i + 3
  else
    local live = redis.call('ZSCORE', P .. 'sessions', id) and redis.call('HGET', P .. 's:' .. id, 'w') == node
    local positions, k = ARGV[i + 2], tonumber(ARGV[i + 3])
    local m = tonumber(ARGV[i + 4 + k])
    if live then
      local q = P .. 'q:' .. id
      local queued = redis.call('LRANGE', q, 0, -1)
      if #queued > 0 then
        redis.call('DEL', q)
        redis.call('HSET', P .. 's:' .. id, 'b', 0)
      end
      local all = {}
      for j = i + 4, i + 3 + k do all[#all + 1] = ARGV[j] end
      for _, msg in ipairs(queued) do all[#all + 1] = msg end
      for j = i + 5 + k, i + 4 + k + m do all[#all + 1] = ARGV[j] end
      local bytes = 0
      for _, msg in ipairs(all) do bytes = bytes + #msg end
      local start = 1
      while start <= #all and (#all - start + 1 > maxQ or bytes > maxB) do
        bytes = bytes - #all[start]
        start = start + 1
      end
      local record = n .. '\\t' .. (start <= #all and n or '') .. '\\n' .. positions
      if start <= #all then record = record .. '\\n' .. table.concat(all, '\\n', start, #all) end
      redis.call('SET', P .. 'ack:' .. id, record)
      out[#out + 1] = { queued, start - 1 }
    else
      out[#out + 1] = 0
    end
    i = i + 5 + k + m
  end
end
return { n, marked, out }
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
