/**
 * The Redis engine's Lua scripts (SPEC: REDIS-*). Each engine operation that touches more than one
 * key is one script, so it is atomic and costs one round trip. KEYS[1] is the base of the keys of
 * the slot a script works on; the keys below are built from it inside the scripts (lua.ts).
 * [REDIS-8] P is the control base: the prefix on one Redis, `<prefix>{<prefix>}` on a Redis Cluster
 * (one slot for all control keys). A stream's keys are `<prefix>{c:<pattern>}…` in both (their own
 * slot); on a cluster the scripts that would touch both are split (REDIS-9).
 *
 * Keys, under the control base P:
 *   P sessions       ZSET clientId → last seen (Redis clock, ms), +inf while a live node holds
 *                         one of its connects (h below); pruning reads it by score
 *   P s:<id>         HASH d = session data (JSON), b = queued bytes, a = '1' in ack mode,
 *                         w = the node watching the session, h = how many nodes hold a connect of it
 *   P nodes          ZSET node → its last lease renewal (ms): one write per node per period
 *   P held:<node>    SET  sessions whose connect the node holds (read when its lease lapses)
 *   P np:<node>      HASH '#' = generation, pattern → 'epoch:offset': the node's per-stream
 *                         position, a floor for the sessions attached to it (ENG-STREAM-8)
 *   P q:<id>         LIST queued deliveries (JSON), oldest first
 *   P ack:<id>       STRING an ack session's record (ack-record.ts): the last batch number it was
 *                         given with a record of its own, that batch's deliveries if it awaits an
 *                         acknowledgement, the positions past it
 *   P turn           STRING the last ack turn's number: every batch of a turn has it (ENG-STREAM-9)
 *   P t:<n>          STRING turn n's positions, for every session given a batch in it without a
 *                         record of its own; expires when no session can come back with that number
 *   P subd:<node>    SET  ack sessions attached to the node whose subscriptions changed since it
 *                         last read them (their batches get records of their own until it has)
 *   P subs:<id>      SET  patterns the session subscribes to
 *   P since:<id>     HASH pattern → when the subscription began (µs, the clock of the streams'
 *                         entries): what an overlapping pattern's stream gave it (ENG-STREAM-10)
 *   P gone:<id>      HASH pattern → 'since turn [epoch:offset]', on a Redis Cluster only, for the
 *                         session's last 8 unsubscribes: when the subscription began (µs), the
 *                         turn counter then (which of an ack session's records hold its own
 *                         position there), without ack where it stood (ENG-STREAM-12)
 *   P chan:<pattern> SET  clientIds subscribed to the pattern
 *   P channels       SET  known channels (for hasChannel and sweeping)
 *   P persistent     SET  channels never swept
 *   P lsn            HASH pattern → how many live nodes have a server-side listener on it
 *   P lsn:<node>     SET  the patterns the node listens to (gone with the node: the sweep)
 *   P vacant         ZSET channel → when (ms) it may have become unused: the sweep's candidates
 *   P kids           HASH channel → how many registered children it has
 *   P nsubs          STRING the number of subscriptions (stats)
 *   P pos:<id>       HASH pattern → 'epoch:offset', or 'epoch:offset@gen.node' (stamped by the
 *                         node it is attached to: ENG-STREAM-8): the session's position per stream
 *   <prefix>{c:<pattern>}:m HASH e = the stream's epoch, o = its last offset (ENG-STREAM-*), on a
 *                    cluster h = when a subscribe last read its head (ms, REDIS-9); once its
 *                    offsets went back, p = the epoch before and b = where the two part (ENG-STREAM-5)
 *   <prefix>{c:<pattern>}:x STREAM the pattern's publishes, entry id '<offset>-0', fields d (JSON), p
 *                    (publish id), t (Redis time, µs); bounded by MAXLEN ~ history size
 *   <prefix>{c:<pattern>}:p pub/sub channel: 'epoch offset publishId time JSON' per publish, to the
 *                    nodes where a session subscribed to the pattern is attached
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
// The scripts live by concern; this file names the keys they share and lists them all for loading.
import type { LuaScript } from './lua.js';
import { DELIVER, TAKE_ACKS, WATCH } from './queue-scripts.js';
import { CREATE, DESTROY, HOLD, RELEASE, SET_ACK, SWEEP, UPKEEP } from './session-scripts.js';
import { LISTEN, PERSIST, SUBSCRIBE, SUBSCRIBERS, UNLISTEN, UNSUBSCRIBE } from './subscription-scripts.js';
import { APPEND_STREAM, ATTACH, DROP_STREAM, FORGET_CHANNELS, NODE_POSITIONS, PUBLISH_STREAM, READ_STREAM, STREAM_HEAD, TAKE_STREAM } from './stream-scripts.js';

export type { LuaScript } from './lua.js';
export { DELIVER, TAKE_ACKS, WATCH } from './queue-scripts.js';
export { CREATE, DESTROY, HOLD, RELEASE, SET_ACK, SWEEP, UPKEEP } from './session-scripts.js';
export { LISTEN, PERSIST, REFRESH, SUBSCRIBE, SUBSCRIBERS, UNLISTEN, UNSUBSCRIBE } from './subscription-scripts.js';
export { APPEND_STREAM, ATTACH, DROP_STREAM, FORGET_CHANNELS, NODE_POSITIONS, PUBLISH_STREAM, READ_STREAM, STREAM_HEAD, TAKE_STREAM } from './stream-scripts.js';

export const ALL_SCRIPTS: readonly LuaScript[] = [
  CREATE, DESTROY, SUBSCRIBE, UNSUBSCRIBE, SUBSCRIBERS, DELIVER, TAKE_ACKS, SET_ACK, WATCH, HOLD, RELEASE, UPKEEP, LISTEN, UNLISTEN,
  PERSIST, SWEEP, PUBLISH_STREAM, APPEND_STREAM, STREAM_HEAD, READ_STREAM, ATTACH, TAKE_STREAM, NODE_POSITIONS,
  DROP_STREAM, FORGET_CHANNELS,
];
