/**
 * The stream engine's own scripts (SPEC: ENG-STREAM-*): a publish stored once per stream, a
 * stream read from a position, a turn's takes, and a session attached to a node. Keys: scripts.ts.
 */
import { script } from './lua.js';

/**
 * ARGV: P, node, channel ('' when the node knows it exists: nothing to add), message JSON, publish
 * id, epoch candidate, history size, patterns...
 * [ENG-STREAM-1] For the channel and each wildcard pattern matching it (O(segments)) that has
 * subscribers: bump the stream's offset, XADD (bounded), PUBLISH once to its pub/sub channel. The
 * first pattern is looked at alone, the others and the listened patterns with one EXISTS first.
 * Nothing per subscriber. Returns {subscriptions matched, channels added, patterns to append to,
 * its clock}: on a Redis Cluster [REDIS-9] the streams live in other slots, so this control part
 * only says which streams get the publish, and APPEND_STREAM runs on each, with the publish id
 * carrying this clock (ENG-STREAM-12); on one Redis it appends itself.
 */
export const PUBLISH_STREAM = script('publishStream', `
local added = {}
if ARGV[3] ~= '' then addChannel(ARGV[3], added) end
-- The entries' clock (µs).
local us = micros()
local count, listened, hot = 0, false, {}
local function append(pattern, n)
  count = count + n
  if CLUSTER then hot[#hot + 1] = pattern
  else streamAppend(streamKey(pattern), ARGV[6], ARGV[7], ARGV[4], ARGV[5], us) end
end
local n = redis.call('SCARD', P .. 'chan:' .. ARGV[8])
if n > 0 then append(ARGV[8], n) end
-- The other patterns (the wildcards) and any server-side listener, in one EXISTS: usually none has
-- any, and each command costs a Redis woken for a few publishes a second ~10 µs.
local others = { P .. 'lsn' }
for i = 9, #ARGV do others[#others + 1] = P .. 'chan:' .. ARGV[i] end
if redis.call('EXISTS', unpack(others)) > 0 then
  for i = 9, #ARGV do
    n = redis.call('SCARD', P .. 'chan:' .. ARGV[i])
    if n > 0 then append(ARGV[i], n) end
  end
  if redis.call('EXISTS', P .. 'lsn') == 1 then
    for i = 8, #ARGV do
      if redis.call('HEXISTS', P .. 'lsn', ARGV[i]) == 1 then
        listened = true
        break
      end
    end
  end
end
if listened then notify(ARGV[2], {}, {}, {}, ARGV[4], '') end
return { count, added, hot, us }
`);

/**
 * KEYS: the stream's :m key. ARGV: P, message JSON, publish id, epoch candidate, history size.
 * [REDIS-9] A publish's stream part on a cluster. The entry gets its own master's clock: appends
 * from several nodes reach a master in any order, and only that clock rises with the offsets (so
 * streams on two masters have no common order: ENG-STREAM-10 on a cluster).
 */
export const APPEND_STREAM = script('appendStream', `
return streamAppend(string.sub(P, 1, -3), ARGV[4], ARGV[5], ARGV[2], ARGV[3], micros())
`);

/**
 * KEYS: the stream's :m key. ARGV: P, epoch candidate. [REDIS-9] The stream's head 'epoch:offset'
 * (made if need be), for a subscribe on a cluster. Notes when (h, ms): DROP_STREAM leaves the
 * stream alone a while after, as its SUBSCRIBE may come after a sweep found the channel unused.
 */
export const STREAM_HEAD = script('streamHead', `
local c = string.sub(P, 1, -3)
local e, o = streamHead(c, ARGV[2])
redis.call('HSET', c .. ':m', 'h', now())
return e .. ':' .. o
`);

/**
 * KEYS: the stream's :m key. ARGV: P, ms. [REDIS-9] Deletes a stream the sweep found unused on a
 * cluster (1), unless a subscribe read its head in the last `ms` (0; the channel stays, and a later
 * sweep looks again): that subscribe's SUBSCRIBE, on the control slot, may come after the sweep,
 * with a position in this stream (a delete would tell it of a loss at its next read, or lose what
 * was published to it meanwhile).
 */
export const DROP_STREAM = script('dropStream', `
local c = string.sub(P, 1, -3)
local h = tonumber(redis.call('HGET', c .. ':m', 'h') or '0')
if h > now() - tonumber(ARGV[2]) then return 0 end
redis.call('DEL', c .. ':m', c .. ':x')
return 1
`);

/**
 * ARGV: P, channels (deepest first)... [REDIS-9][SWEEP-1] On a cluster, swept channels whose streams
 * DROP_STREAM deleted go from the registry if they are still unused and have no child channel (one
 * subscribed since the sweep keeps its parents): the sweep's test again, after the deletes. A parent
 * whose last child goes here but was not named becomes a candidate for the next sweep. Returns the
 * names gone.
 */
export const FORGET_CHANNELS = script('forgetChannels', `
local t, out = now(), {}
for i = 2, #ARGV do
  local n = ARGV[i]
  if sweepable(n, 0) then
    -- A parent not named here (its stream not deleted) is only made a candidate again.
    forgetChannel(n, t)
    out[#out + 1] = n
  end
end
return out
`);

/**
 * KEYS: the stream's :m key. ARGV: P, pattern, epoch, offset, most entries, epoch candidate, the
 * publish id the session was given at `offset` ('' if unknown), '1' to be told the publish at
 * `offset`, how many publish ids at or below `offset` to return ('' none; ENG-STREAM-12), then on
 * a second call (after 'fork') '1' and the (offset, publish id) pairs this node saw in the
 * position's epoch at or below `offset`, newest first. [ENG-STREAM-5] What a session at (epoch,
 * offset) has not had: {epoch, last offset, status, skipped, entries (offset, publish id, time,
 * JSON)..., and when status is 'ok' the time and id of the publish at `offset` if asked for and
 * there ('' otherwise; ENG-STREAM-10), and the ids asked for, newest first}. Status 'epoch' (the
 * session lost what it had at its position: Redis lost the stream, or its offsets went back;
 * `skipped` is then the offset the new epoch starts after) or 'trimmed' (entries after the position
 * left the bounded history): the session's loss, never silent. `skipped`: the oldest entries past
 * `most` (the queue bound, LIMIT-6), not read. 'ok' may name the stream's epoch when the position is
 * in the one before it and the stream still holds what the session had: it goes on there.
 * A stream behind the position, or holding another publish at it, lost entries the session was
 * given (a replica promoted without its master's last writes): its offsets went back and were, or
 * will be, given to other publishes. Status 'fork' asks for what the node saw below the position:
 * the lowest offset where the stream holds another publish than the node saw is the first the
 * stream got anew, and the new epoch starts before it (with none, at the stream's end), so what was
 * published since the stream went back still reaches every session.
 */
export const READ_STREAM = script('readStream', `
local c = string.sub(P, 1, -3)
-- Only naming ids (ENG-STREAM-12): a stream swept meanwhile is not made again (nothing would sweep it).
if ARGV[5] == '0' and redis.call('EXISTS', c .. ':m') == 0 then return { '', 0, 'epoch', 0, {} } end
local e, o = streamHead(c, ARGV[6])
local seen = tonumber(ARGV[4])
local function entryAt(n)
  return redis.call('XRANGE', c .. ':x', n .. '-0', n .. '-0')[1]
end
-- Where the stream went back to, from the pairs the node sent (see above).
local function forkPoint()
  local b = o
  if #ARGV < 12 then return b end
  local held = {}
  for _, item in ipairs(redis.call('XRANGE', c .. ':x', ARGV[#ARGV - 1] .. '-0', math.min(tonumber(ARGV[11]), o) .. '-0')) do
    held[tonumber(string.match(item[1], '^(%d+)'))] = item[2][4]
  end
  for i = 11, #ARGV - 1, 2 do
    local n = tonumber(ARGV[i])
    if held[n] and held[n] ~= ARGV[i + 1] and n - 1 < b then b = n - 1 end
  end
  return b
end
local at
if e ~= ARGV[3] then
  -- In the epoch before the stream went back (p), the position goes on in this one if the stream
  -- holds the publish it was given there, or (not known) if it is below where the epochs part (b).
  local m = redis.call('HMGET', c .. ':m', 'b', 'p')
  local b = tonumber(m[1] or '0')
  local goes = m[2] == ARGV[3] and seen <= o
  if goes and seen > 0 and (ARGV[7] ~= '' or ARGV[8] == '1') then at = entryAt(seen) end
  if ARGV[7] ~= '' then goes = goes and at ~= nil and at[2][4] == ARGV[7]
  else goes = goes and seen <= b end
  if not goes then return { e, o, 'epoch', b, {} } end
else
  local forked = o < seen
  if not forked and seen > 0 and (ARGV[7] ~= '' or ARGV[8] == '1') then
    at = entryAt(seen)
    forked = ARGV[7] ~= '' and at ~= nil and at[2][4] ~= ARGV[7]
  end
  if forked then
    if ARGV[10] ~= '1' then return { e, o, 'fork', 0, {} } end
    local b = forkPoint()
    redis.call('HSET', c .. ':m', 'e', ARGV[6], 'b', b, 'p', e)
    return { ARGV[6], o, 'epoch', b, {} }
  end
end
-- [ENG-STREAM-10] Asked for: the publish at the position (its time and id), '' if none is there.
local st, sp = '', ''
if at and ARGV[8] == '1' then st, sp = at[2][6], at[2][4] end
-- [ENG-STREAM-12] Asked for: the ids of the last publishes at or below the position (given).
local gave = {}
local back = tonumber(ARGV[9]) or 0
if back > 0 and seen > 0 then
  for _, item in ipairs(redis.call('XREVRANGE', c .. ':x', seen .. '-0', '-', 'COUNT', back)) do gave[#gave + 1] = item[2][4] end
end
if o <= seen then return { e, o, 'ok', 0, {}, st, sp, gave } end
local start, skipped = seen + 1, 0
local most = tonumber(ARGV[5])
if o - seen > most then
  skipped = o - most - seen
  start = o - most + 1
end
-- Trimmed: the entry after the position is gone (checked before the bound, which would hide it).
local next = redis.call('XRANGE', c .. ':x', (seen + 1) .. '-0', '+', 'COUNT', 1)[1]
if not next or tonumber(string.match(next[1], '^(%d+)')) ~= seen + 1 then return { e, o, 'trimmed', 0, {} } end
local items = redis.call('XRANGE', c .. ':x', start .. '-0', '+')
local out = {}
for _, item in ipairs(items) do
  local f = item[2]
  out[#out + 1] = string.match(item[1], '^(%d+)')
  out[#out + 1] = f[4]
  out[#out + 1] = f[6]
  out[#out + 1] = f[2]
end
return { e, o, 'ok', skipped, out, st, sp, gave }
`);

/**
 * ARGV: P, node, id, stamp ('gen.node'), from. [ENG-STREAM-4] Attaches a session to this node.
 * from '': claims it (its watcher moves here; the node that had it is told, REDIS-2) and, if
 * another node had it, returns {queue length, {}, that node} without reading positions (ENG-STREAM-7:
 * they are read again once it wrote them, or it is gone). Otherwise, or called again with from =
 * '-' (that node wrote them) or from = its id (it is gone: ENG-STREAM-8, its per-stream positions
 * are a floor for the positions it had stamped, unless the session is in ack mode: what that node
 * gave it may not be acknowledged), returns {queue length, positions (pattern, 'epoch:offset')...,
 * '', ack flag, ack record, the positions of the turn named by `acked` when that is past the
 * record's batch (ENG-STREAM-9), or '', when each subscription began (pattern, µs... ENG-STREAM-10),
 * and the subscriptions gone lately (pattern, 'since turn [epoch:offset]'... ENG-STREAM-12)} and
 * stamps them with this node's `stamp`. ARGV[6]: acked,
 * the batch the client says it received ('' when unknown). -1: unknown session.
 */
export const ATTACH = script('attach', `
local id, node, stamp, from = ARGV[3], ARGV[2], ARGV[4], ARGV[5]
if not redis.call('ZSCORE', P .. 'sessions', id) then return -1 end
local q = redis.call('LLEN', P .. 'q:' .. id)
if from == '' then
  local before = claim(id, node)
  if before ~= '' then return { q, {}, before } end
end
local ack = redis.call('HGET', P .. 's:' .. id, 'a')
local floor, gen = {}, -1
if from ~= '' and from ~= '-' and ack ~= '1' then
  local flat = redis.call('HGETALL', P .. 'np:' .. from)
  for i = 1, #flat, 2 do floor[flat[i]] = flat[i + 1] end
  gen = tonumber(floor['#'] or '-1')
end
local pos = P .. 'pos:' .. id
local stored = redis.call('HGETALL', pos)
local out = {}
for i = 1, #stored, 2 do
  local p = stored[i]
  local e, o, g, n = parseStamped(stored[i + 1])
  if n == from and g <= gen and floor[p] then
    local fe, fo = parseStamped(floor[p])
    if fe == e and fo > o then o = fo end
  end
  local at = e .. ':' .. o
  out[#out + 1] = p
  out[#out + 1] = at
  redis.call('HSET', pos, p, at .. '@' .. stamp)
end
-- [ENG-STREAM-10] When each subscription began: tells a subscription made again from the one followed.
local since = redis.call('HGETALL', P .. 'since:' .. id)
-- [ENG-STREAM-12] Subscriptions gone lately and what they gave (kept on a cluster only).
local gone = CLUSTER and redis.call('HGETALL', P .. 'gone:' .. id) or {}
if ack ~= '1' then return { q, out, '', '', '', '', since, gone } end
local record = redis.call('GET', P .. 'ack:' .. id) or ''
local acked, turn = tonumber(ARGV[6]), ''
if acked and acked > (tonumber(string.match(record, '^%d+') or '0') or 0) then
  turn = redis.call('GET', P .. 't:' .. ARGV[6]) or ''
end
return { q, out, '', ack, record, turn, since, gone }
`);

/**
 * ARGV: P, node, generation, ttl ms, k, k (pattern, 'epoch:offset') pairs, then per session let
 * go: id, m, m (pattern, 'epoch:offset') pairs. [ENG-STREAM-8] The node's per-stream positions
 * (the least any session attached to it has been given, of those stamped with generation <= this
 * one): one hash per node, O(streams) once a second, replacing the last. Sessions it let go get
 * their own positions, where they still carry this node's stamp.
 */
export const NODE_POSITIONS = script('nodePositions', `
nodePositionsAt(ARGV[2], 3)
return 1
`);

/**
 * ARGV: P, then per session: id, '1' to read its queue | '0', k, k (pattern, position, since) triples.
 * [ENG-STREAM-6] One call for a turn's takes: each session's positions move past what it was given;
 * the queue of `deliver()`ed messages is taken only when it may hold something. Per session, in
 * order: false (unknown) or {queued items, positions and when each subscription began (when the
 * queue was read, to follow subscriptions changed on other nodes)}.
 */
export const TAKE_STREAM = script('takeStream', `
local out = {}
local i = 2
while i <= #ARGV do
  local id, readQ, k = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if redis.call('ZSCORE', P .. 'sessions', id) then
    setPositions(id, i + 3, k)
    local items, positions, since = {}, {}, {}
    if readQ == '1' then
      local q = P .. 'q:' .. id
      items = redis.call('LRANGE', q, 0, -1)
      if #items > 0 then
        redis.call('DEL', q)
        redis.call('HSET', P .. 's:' .. id, 'b', 0)
      end
      positions = redis.call('HGETALL', P .. 'pos:' .. id)
      since = redis.call('HGETALL', P .. 'since:' .. id)
    end
    out[#out + 1] = { items, positions, since }
  else
    out[#out + 1] = false
  end
  i = i + 3 + 3 * k
end
return out
`);
