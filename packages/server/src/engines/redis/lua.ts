/**
 * What every Redis engine script starts with: the Lua prelude (the clock, the shared helpers the
 * scripts call) and `script()`, which prepends it and computes the SHA1 that EVALSHA runs.
 */
import { createHash } from 'node:crypto';

const HEADER = `
-- Redis 5 and 6 need this before writing after TIME; Redis 7 always replicates effects.
if redis.replicate_commands then redis.replicate_commands() end
-- [REDIS-8] KEYS[1]: the base of the keys of the slot the script works on (the control keys', or
-- a stream's). ARGV[1]: the pub/sub mode ('P' PUBLISH, 'S' SPUBLISH on a Redis Cluster, where a
-- script touching both the control keys and a stream is split), then the prefix of stream keys.
local P = KEYS[1]
local CLUSTER = string.sub(ARGV[1], 1, 1) == 'S'
local PUB = CLUSTER and 'SPUBLISH' or 'PUBLISH'
local S = string.sub(ARGV[1], 2)
`;

/**
 * The shared helpers, each a `local function` with the comment above it. A script gets only those
 * it names (and those they name): Lua makes a closure for every one on every call, and Redis runs a
 * script cold (one call per wake of Redis at a few publishes a second), where each line costs.
 */
const HELPERS = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function parent(name)
  return string.match(name, '^(.+)/[^/]*$')
end
-- [SWEEP-1] A channel that may have become unused (registered, its last subscriber gone, no longer
-- persistent, its last child swept), with when (ms): the sweep looks at these, the oldest first and
-- a bounded number a period, never at the whole registry (one script: Redis waits while it runs).
local function vacant(n, t)
  redis.call('ZADD', P .. 'vacant', t or now(), n)
end
-- Adds a channel and the parents it did not have yet (CometD's tree); collects the new names. Each
-- parent counts its registered children (\`kids\`): a parent with one is never swept.
local function addChannel(name, added)
  local leaf = true
  while name do
    if redis.call('SADD', P .. 'channels', name) == 0 then return end
    added[#added + 1] = name
    if leaf then vacant(name) end
    leaf = false
    local p = parent(name)
    if p then redis.call('HINCRBY', P .. 'kids', p, 1) end
    name = p
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
      vacant(p)
    end
  end
  if #subs > 0 then redis.call('DECRBY', P .. 'nsubs', #subs) end
  local watcher = redis.call('HGET', P .. 's:' .. id, 'w')
  if watcher then redis.call('SREM', P .. 'subd:' .. watcher, id) end
  redis.call('ZREM', P .. 'sessions', id)
  redis.call('DEL', P .. 's:' .. id, P .. 'subs:' .. id, P .. 'q:' .. id, P .. 'ack:' .. id, P .. 'pos:' .. id, P .. 'since:' .. id, P .. 'gone:' .. id)
  return subs
end
-- [ENG-STREAM-3] A stream's keys share one hash tag (one Redis Cluster slot): :m (HASH e = epoch,
-- o = last offset), :x (the bounded STREAM), :p (the pub/sub channel of its publishes).
local function streamKey(pattern)
  return S .. '{c:' .. pattern .. '}'
end
-- The stream's epoch and last offset, made (with the candidate epoch) when it has none.
local function streamHead(c, candidate)
  local m = redis.call('HMGET', c .. ':m', 'e', 'o')
  if m[1] then return m[1], tonumber(m[2] or '0') end
  redis.call('HSET', c .. ':m', 'e', candidate, 'o', 0)
  return candidate, 0
end
-- Redis's clock in µs, as a string (a Lua number that large would print as 1.7e+15).
local function micros()
  local clock = redis.call('TIME')
  return clock[1] .. string.format('%06d', tonumber(clock[2]))
end
-- [ENG-STREAM-1] One publish stored in the stream at c: offset bumped, XADD (bounded), one PUBLISH.
local function streamAppend(c, candidate, history, json, pid, us)
  local e = streamHead(c, candidate)
  local o = redis.call('HINCRBY', c .. ':m', 'o', 1)
  redis.call('XADD', c .. ':x', 'MAXLEN', '~', history, o .. '-0', 'd', json, 'p', pid, 't', us)
  redis.call(PUB, c .. ':p', e .. ' ' .. o .. ' ' .. pid .. ' ' .. us .. ' ' .. json)
  return o
end
-- [ENG-STREAM-8] A stored position: 'epoch:offset', or 'epoch:offset@gen.node' when \`node\` had the
-- session attached and its per-stream positions from generation \`gen\` on are a floor for it.
local function parseStamped(v)
  local e, o, g, n = string.match(v, '^(.-):(%d+)@(%d+)%.(%w+)$')
  if e then return e, tonumber(o), tonumber(g), n end
  e, o = string.match(v, '^(.-):(%d+)$')
  return e or '', tonumber(o or '0'), nil, nil
end
-- [ENG-STREAM-12] A position written for a subscription gone meanwhile (the one begun at \`since\`,
-- as UNSUBSCRIBE kept it on a cluster) is kept with it: the node the session moves to names what
-- it gave. Only a session without ack's (an ack session's records say where it stands).
local function keepGone(id, pattern, since, at)
  local g = P .. 'gone:' .. id
  local kept = redis.call('HGET', g, pattern)
  if not kept or string.sub(kept, 1, #since + 1) ~= since .. ' ' then return end
  local e, o = parseStamped(at)
  local turn = string.match(kept, '^%S+ (%S+)') or '0'
  if e ~= '' then redis.call('HSET', g, pattern, since .. ' ' .. turn .. ' ' .. e .. ':' .. o) end
end
-- ARGV[from..] holds k triples (pattern, 'epoch:offset', when the subscription began or ''): the
-- session's positions, for the subscriptions they were taken in (a position must not bring back a
-- subscription that went meanwhile, nor move one made again since: ENG-STREAM-11). A subscription
-- whose start the node did not know is checked by membership alone.
local function setPositions(id, from, k)
  for i = from, from + 3 * k - 1, 3 do
    local same
    if ARGV[i + 2] == '' then same = redis.call('SISMEMBER', P .. 'subs:' .. id, ARGV[i]) == 1
    else same = redis.call('HGET', P .. 'since:' .. id, ARGV[i]) == ARGV[i + 2] end
    if same then redis.call('HSET', P .. 'pos:' .. id, ARGV[i], ARGV[i + 1])
    elseif CLUSTER and ARGV[i + 2] ~= '' then keepGone(id, ARGV[i], ARGV[i + 2], ARGV[i + 1]) end
  end
end
-- [ENG-STREAM-8] One node fewer holds a connect of the session (h counts them): when none does,
-- its pruning clock starts at \`seen\`.
local function unhold(id, seen)
  if not redis.call('ZSCORE', P .. 'sessions', id) then return end
  if redis.call('HINCRBY', P .. 's:' .. id, 'h', -1) <= 0 then
    redis.call('HDEL', P .. 's:' .. id, 'h')
    redis.call('ZADD', P .. 'sessions', 'XX', seen, id)
  end
end
local function pushAll(key, items)
  for i = 1, #items, 1000 do
    redis.call('RPUSH', key, unpack(items, i, math.min(i + 999, #items)))
  end
end
-- One notification for the whole operation, never one per recipient.
local function notify(node, wake, removed, moved, msg, life)
  if #wake == 0 and #removed == 0 and #moved == 0 and msg == '' and life == '' then return end
  redis.call(PUB, P .. 'wake', node .. '\\n' .. table.concat(wake, ' ') .. '\\n' ..
    table.concat(removed, ' ') .. '\\n' .. table.concat(moved, ' ') .. '\\n' .. life .. '\\n' .. msg)
end
-- [REDIS-2] Makes \`node\` the session's watcher; the node that watched it before is told to let go
-- (one watcher per session in the whole cluster, so a half-open socket elsewhere takes nothing).
-- Returns the node that had it, when another one did ('' otherwise). The notice names that node
-- ('id/node'): it alone answers for its writes (ENG-STREAM-7), not every node.
local function claim(id, node)
  local s = P .. 's:' .. id
  local before = redis.call('HGET', s, 'w')
  if before ~= node then
    redis.call('HSET', s, 'w', node)
    if before then
      notify(node, {}, {}, { id .. '/' .. before }, '', '')
      return before
    end
  end
  return ''
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
-- [SWEEP-1] A channel nobody uses: not persistent, no subscriber, no server-side listener on any
-- live node.
local function channelUnused(n)
  return redis.call('SISMEMBER', P .. 'persistent', n) == 0 and redis.call('EXISTS', P .. 'chan:' .. n) == 0
    and redis.call('HEXISTS', P .. 'lsn', n) == 0
end
local function kidsOf(n)
  return tonumber(redis.call('HGET', P .. 'kids', n) or '0')
end
-- [SWEEP-1] A registered channel nobody uses, with no child but the \`named\` ones (named to go too).
local function sweepable(n, named)
  return redis.call('SISMEMBER', P .. 'channels', n) == 1 and kidsOf(n) <= named and channelUnused(n)
end
-- [SWEEP-1] A swept channel goes from the registry (and from the candidates); its parent
-- counts one child less, and with none left may be unused now. Returns that parent, if so.
local function forgetChannel(n, t)
  redis.call('SREM', P .. 'channels', n)
  redis.call('ZREM', P .. 'vacant', n)
  redis.call('HDEL', P .. 'kids', n)
  local p = parent(n)
  if p and redis.call('HINCRBY', P .. 'kids', p, -1) <= 0 then
    redis.call('HDEL', P .. 'kids', p)
    vacant(p, t)
    return p
  end
end
-- [SWEEP-1] Of \`candidates\` (deepest first), the channels nobody uses with no child left, a chain
-- going at once. Those still registered but in use, or with a child, leave the candidates: what
-- makes them unused puts them back. \`forget\`: removed from the registry; otherwise (a cluster,
-- whose streams are deleted first) only named, and looked at again by a later sweep unless forgotten.
local function unusedChannels(candidates, t, forget)
  local less, out, done, i = {}, {}, {}, 1
  while i <= #candidates do
    local n = candidates[i]
    i = i + 1
    if done[n] then -- named already: it came twice
    elseif not sweepable(n, less[n] or 0) then
      redis.call('ZREM', P .. 'vacant', n)
    else
      done[n] = true
      out[#out + 1] = n
      local p
      if forget then p = forgetChannel(n, t)
      else
        vacant(n, t)
        p = parent(n)
        if p then less[p] = (less[p] or 0) + 1 end
        if p and kidsOf(p) > less[p] then p = nil end
      end
      if p then candidates[#candidates + 1] = p end
    end
  end
  return out
end
-- [REDIS-3] \`node\` stops listening to \`patterns\` (its last listener went, or the node is gone): a
-- pattern no node listens to any more may be unused now.
local function unlisten(node, patterns, t)
  for _, p in ipairs(patterns) do
    if redis.call('SREM', P .. 'lsn:' .. node, p) == 1 and redis.call('HINCRBY', P .. 'lsn', p, -1) <= 0 then
      redis.call('HDEL', P .. 'lsn', p)
      vacant(p, t)
    end
  end
end
-- [REDIS-4] A sweep period (ARGV[from..from+4]: node, prune after ms, lock ms, most sessions and
-- candidate channels per run, node lease ms): one node per period takes the lock, and atomic
-- anyway (a session is pruned exactly once cluster-wide). \`t\`: Redis's clock (ms) if the caller read it. Returns {counts}
-- (another node has the period) or {counts, pruned ({id, patterns...}), channels swept, life};
-- counts = {sessions, channels, subscriptions} for \`stats()\` (ENG-STREAM-8: no commands of their own).
local function sweepOnce(from, t)
  local node = ARGV[from]
  local function counts()
    return { redis.call('ZCARD', P .. 'sessions'), redis.call('SCARD', P .. 'channels'), tonumber(redis.call('GET', P .. 'nsubs') or '0') }
  end
  if not redis.call('SET', P .. 'lock:sweep', node, 'NX', 'PX', tonumber(ARGV[from + 2])) then return { counts() } end
  t = t or now()
  -- [ENG-STREAM-8] A node whose lease lapsed is gone: the sessions it held are seen last at its last
  -- renewal, and pruned from there unless they connect elsewhere first. Its positions go with it.
  local dead = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', t - tonumber(ARGV[from + 4]), 'WITHSCORES')
  for i = 1, #dead, 2 do
    local n, last = dead[i], tonumber(dead[i + 1])
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'held:' .. n)) do unhold(id, last) end
    redis.call('DEL', P .. 'held:' .. n)
    -- [REDIS-3] Its listeners went with it (it listens again if it was only paused).
    unlisten(n, redis.call('SMEMBERS', P .. 'lsn:' .. n), t)
    redis.call('ZREM', P .. 'nodes', n)
  end
  local ids = redis.call('ZRANGEBYSCORE', P .. 'sessions', '-inf', t - tonumber(ARGV[from + 1]), 'LIMIT', 0, tonumber(ARGV[from + 3]))
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
  notify(node, {}, prunedIds, {}, '', lj)
  -- [SWEEP-1] The candidates (the oldest, as many as sessions pruned at most), deepest first, so a
  -- chain /a/b/c, /a/b, /a goes in one sweep.
  local names = redis.call('ZRANGE', P .. 'vacant', 0, tonumber(ARGV[from + 3]) - 1)
  table.sort(names, function(a, b) return #a > #b end)
  -- [REDIS-9] On a cluster the streams are in other slots: the node deletes them, then forgets the
  -- channels (engine-core.ts); here the sweep only names them.
  local swept = unusedChannels(names, t, not CLUSTER)
  if not CLUSTER then
    for _, n in ipairs(swept) do redis.call('DEL', streamKey(n) .. ':m', streamKey(n) .. ':x') end
  end
  return { counts(), pruned, swept, lj }
end
-- [ENG-STREAM-8] The node's per-stream positions (ARGV[from..]: generation, ttl ms, k, k (pattern,
-- 'epoch:offset') pairs, then per session let go: id, m, m pairs): one hash per node, O(streams),
-- replacing the last. Sessions it let go get their own positions, where they still carry its stamp.
local function nodePositionsAt(node, from)
  local np = P .. 'np:' .. node
  local k = tonumber(ARGV[from + 2])
  redis.call('DEL', np)
  redis.call('HSET', np, '#', ARGV[from])
  for j = from + 3, from + 2 + 2 * k, 2 do redis.call('HSET', np, ARGV[j], ARGV[j + 1]) end
  redis.call('PEXPIRE', np, tonumber(ARGV[from + 1]))
  local i = from + 3 + 2 * k
  while i <= #ARGV do
    local id, m = ARGV[i], tonumber(ARGV[i + 1])
    local pos = P .. 'pos:' .. id
    for j = i + 2, i + 1 + 2 * m, 2 do
      local _, _, _, n = parseStamped(redis.call('HGET', pos, ARGV[j]) or '')
      if n == node then redis.call('HSET', pos, ARGV[j], ARGV[j + 1]) end
    end
    i = i + 2 + 2 * m
  end
end
`;

/** The helpers in order: a helper calls only helpers defined before it (Lua's local scope). */
const HELPER_LIST = HELPERS.split(/\n(?=local function )/).map((chunk) => {
  // Each chunk ends with the comment of the next helper: it goes with that helper.
  const lines = chunk.split('\n');
  let at = lines.length;
  while (at > 0 && lines[at - 1]?.startsWith('--')) at--;
  return { name: /^local function (\w+)/.exec(chunk)?.[1] ?? '', code: lines.slice(0, at), comment: lines.slice(at) };
}).map((h, i, all) => ({ name: h.name, source: [...(all[i - 1]?.comment ?? []), ...h.code].join('\n') }));

/** The helpers `body` needs, in their order: from the last one back, each named by the body or by a helper kept after it. */
function helpersOf(body: string): string {
  // A helper named in a comment is not called: not carried.
  let text = body.replace(/--[^\n]*/g, '');
  const kept: string[] = [];
  for (let i = HELPER_LIST.length - 1; i >= 0; i--) {
    const h = HELPER_LIST[i] as { name: string; source: string };
    if (!new RegExp(`\\b${h.name}\\b`).test(text)) continue;
    kept.unshift(h.source);
    text += h.source.replace(/--[^\n]*/g, '');
  }
  return kept.join('\n');
}

/** A script and its SHA1, run by EVALSHA (loaded at start; EVAL if Redis forgot it). */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

export function script(name: string, body: string): LuaScript {
  const source = `${HEADER}\n${helpersOf(body)}\n${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}
