/**
 * The Redis engine (SPEC: REDIS-*, ENG-STREAM-*), whose cost per publish does not grow with the
 * number of subscribers. Sessions, subscriptions, lifecycle, `deliver()` queues and pruning are in
 * engine-core.ts; the sessions attached to this node (claims, positions, feeds, backlog reads) in
 * engine-attach.ts; this file is where a publish goes and how a session gets it: a publish is
 * stored once per stream (stream-publish.ts), the node a session is attached to (REDIS-2) fans out
 * locally, a take moves positions past what was given, and a turn of ack takes makes its sessions'
 * batches, numbered by the turn, and writes where they stand once per turn (ack-record.ts,
 * ack-turn.ts, ENG-STREAM-9). Loss is told, never silent (ENG-STREAM-5).
 * The server README has the whole design.
 */
import { matchingPatterns, type Message } from '@kuiper/protocol';
import { encodeMessage } from '../../core/codec.js';
import { type AckBatch, type DeliveryMode, type EngineOptions, STREAMED } from '../../core/engine.js';
import { createLogger } from '../../core/log.js';
import type { Attachment } from './attachment.js';
import type { Position } from './stream-entry.js';
import { Barrier, ClusterRoute, singleRoute } from './barrier.js';
import { type BatchTaker, type Taker, Turns } from './turns.js';
import { type Batch, joinTurn, recordBody, withOverflowNotice } from './ack-record.js';
import { type AckTurnHost, type Made, type PlannedTurn, writeAckTurn } from './ack-turn.js';
import { AttachingEngine } from './engine-attach.js';
import type { StreamEngineOptions } from './engine-options.js';
import { list, strings, type Reply } from './replies.js';
import { TAKE_STREAM } from './scripts.js';
import { publishToStreams } from './stream-publish.js';
import { sinceOf } from './stream-read.js';

const log = createLogger('redis');

export class RedisEngine extends AttachingEngine {
  private readonly history: number;
  private readonly barrier: Barrier;
  /** This node's own channel on the control slot: hand-over notes ('f id') and, on one Redis, the barrier's tokens. */
  private readonly sync: string;
  private readonly clusterRoute: ClusterRoute | undefined;
  private readonly turns = new Turns((takers, batchTakers) => this.takeTurn(takers, batchTakers));
  private published = 0;
  /** What writing a turn of ack takes needs of this node (ack-turn.ts). */
  private readonly ackHost: AckTurnHost = {
    link: this.link,
    nodeId: this.nodeId,
    limits: () => this.limits(),
    recordMs: () => this.recordMs(),
    attachment: (id) => this.attached.get(id),
    attaching: (id) => this.attaching.has(id),
    refreshing: (id) => this.refreshing.has(id),
    detach: (id, gone) => this.detach(id, gone),
    refresh: (a) => this.refresh(a),
    warn: (what, err) => log.warn(what, err),
  };

  constructor(options: StreamEngineOptions = {}) {
    super(options);
    this.history = options.historySize ?? 1000;
    this.sync = `${this.link.ctl}sync:${this.nodeId}`;
    this.clusterRoute = this.link.clustered ? new ClusterRoute(this.link, this.nodeId) : undefined;
    this.barrier = new Barrier(this.clusterRoute ?? singleRoute(this.link, this.sync));
  }

  /** Whether the command connection to Redis is up now (diagnostics; tests wait for an outage to be seen). */
  get redisUp(): boolean {
    return this.link.cmd.status === 'ready';
  }

  override start(options: EngineOptions): void {
    super.start(options);
    this.subscribed = this.subscribed?.then(() => this.link.subscribe(this.sync)).then(() => undefined);
    this.subscribed?.catch(() => undefined);
  }

  /** [ENG-STREAM-7] 'f <session> <node>': `node` answered this node's claim of the session. */
  private handedOver(text: string): void {
    const cut = text.indexOf(' ', 2);
    this.writer.arrived(text.slice(2, cut < 0 ? undefined : cut), cut < 0 ? '' : text.slice(cut + 1));
  }

  protected override received(channel: string, text: string): void {
    if (channel === this.sync) return text.startsWith('f ') ? this.handedOver(text) : this.barrier.arrived(channel, text);
    if (this.clusterRoute?.owns(channel)) return this.barrier.arrived(channel, text);
    super.received(channel, text);
  }

  /** [ENG-STREAM-1] One script: O(matching patterns) Redis work, whatever the number of subscribers. */
  override async publish(message: Message): Promise<number> {
    if (this.bus.listeners.size > 0) this.bus.callListeners(message);
    const pid = `${this.nodeId}.${(++this.published).toString(36)}`;
    const history = Math.max(this.history, this.options?.maxQueue ?? 0);
    const { count, added } = await publishToStreams(this.link, {
      node: this.nodeId,
      // [SWEEP-1] A channel a session attached here subscribes to is not swept: not added again.
      channel: this.follows(message.channel) ? '' : message.channel,
      json: encodeMessage(message),
      pid,
      epochCandidate: this.epochCandidate(),
      history: Math.min(history, Number.MAX_SAFE_INTEGER),
      patterns: matchingPatterns(message.channel),
    });
    this.emitAll(added.map((channel) => ({ type: 'channel:added', channel })));
    return count;
  }

  override watch(clientId: string, onQueued: () => void): () => void {
    this.bus.watchers.set(clientId, onQueued);
    const known = this.attached.get(clientId);
    if (known) {
      known.usedAt = Date.now();
      // Claimed again (the watcher moves here) and the deliver() queue looked at, as the queue engine
      // does — unless no other node claimed it since it attached here: the claim stands, and wake
      // notifications keep `queued` (a connect answered and sent again costs Redis nothing here).
      if (!known.claimed) {
        known.claimed = true;
        this.bus.peek(clientId, true);
      }
      // Told after watch() returns, never inside it: the caller has not kept the unwatch yet.
      queueMicrotask(() => {
        if (known.size > 0 && this.bus.watchers.get(clientId) === onQueued) this.bus.call(onQueued);
      });
    } else {
      this.attach(clientId).then(
        (a) => {
          if (!a) {
            if (this.bus.watchers.get(clientId) === onQueued) this.bus.watchers.delete(clientId);
            this.bus.call(onQueued);
          } else if (a.size > 0 || a.queued) this.bus.call(onQueued);
        },
        (err: unknown) => log.warn('attach failed', err),
      );
    }
    return () => {
      if (this.bus.watchers.get(clientId) === onQueued) this.bus.watchers.delete(clientId);
    };
  }

  /** [ENG-STREAM-6] Takes issued in one turn are one barrier and one script call (REDIS-7). */
  override take(clientId: string): Promise<Message[]> {
    return this.turns.take(clientId);
  }

  /**
   * [ENG-7][ENG-STREAM-6] The take a feed's wake-up causes, answered at once: the session was fed in
   * this event-loop iteration, is up to date and has deliveries in hand, and its take writes nothing
   * (its deliver() queue holds nothing new) — what a turn of such takes does, without the turn's
   * promise, microtask and script. With a take or ack batch still waiting or running it answers
   * nothing, so takes settle in the order issued (ENG-3): the flow then takes the asynchronous way.
   */
  takeNow(clientId: string): Message[] {
    if (this.turns.busy) return [];
    const a = this.fedNow(clientId);
    if (!a || a.queued) return [];
    a.usedAt = Date.now();
    return this.stored.decode(a.drain());
  }

  /**
   * Attached, up to date with every publish made before now, and with every stale stream read.
   * `acked`: the batch each ack session's client says it received (ENG-STREAM-9: where it starts if attached now).
   */
  private async current(clientIds: string[], acked: ReadonlyMap<string, number | undefined>): Promise<(Attachment | undefined)[]> {
    // On a cluster, only the masters of the streams these sessions follow here (one attaching reads them after subscribing).
    await this.barrier.pass(clientIds.flatMap((id) => [...(this.attached.get(id)?.patterns() ?? [])]));
    const sessions = await Promise.all(clientIds.map((id) => this.attach(id, acked.get(id))));
    await Promise.all(sessions.map((a) => a && Promise.all([...this.reading.of(a.clientId, a.patterns()), a.anyStale && this.readAll(a, a.stalePatterns())])));
    return sessions;
  }

  /**
   * [ENG-STREAM-6] A turn whose every session a feed woke in this event-loop iteration, each with
   * deliveries in hand: given without a barrier token. Such takes are the ones the feed's wake-up
   * caused (a flow takes in the check phase of that iteration): they know of no later publish, and
   * what Redis ran meanwhile comes by the feeds, in order, with the next take. Saves a PUBLISH and
   * a message back per node per publish; a take in a later iteration (a poll) passes the barrier.
   */
  private fedTurn(clientIds: string[]): Attachment[] | undefined {
    const out: Attachment[] = [];
    for (const id of clientIds) {
      const a = this.fedNow(id);
      if (!a) return undefined;
      out.push(a);
    }
    return out;
  }

  private async takeTurn(takers: Taker[], batchTakers: BatchTaker[]): Promise<void> {
    const plain = new Set(takers.map((t) => t.clientId));
    const ids = [...plain];
    // [ACK-2] One ack take per session a turn: a second one (two connects at once) goes with the next turn.
    const first = new Map<string, BatchTaker>();
    for (const t of batchTakers) {
      if (first.has(t.clientId)) this.turns.takeBatch(t.clientId, t.acked).then(t.resolve, t.reject);
      else first.set(t.clientId, t);
    }
    const all = [...ids, ...[...first.keys()].filter((id) => !plain.has(id))];
    const acked = new Map<string, number | undefined>();
    for (const t of first.values()) {
      const n = validAck(t.acked);
      acked.set(t.clientId, n);
      // [ENG-STREAM-9] A fed turn gives without attaching: one that must be attached again is let go here.
      if (this.attached.get(t.clientId)?.ack?.behind(n)) this.detach(t.clientId, true);
    }
    const sessions = this.fedTurn(all) ?? (await this.current(all, acked));
    const of = new Map(all.map((id, i) => [id, sessions[i]]));
    await Promise.all([this.give(takers, ids, of), this.giveBatches([...first.values()], of, acked)]);
  }

  /** The plain takes of a turn: what each session has in hand, and its deliver() queue where it holds something. */
  private async give(takers: Taker[], ids: string[], of: Map<string, Attachment | undefined>): Promise<void> {
    if (takers.length === 0) return;
    const given = new Map<string, string[]>();
    const args: (string | number)[] = [];
    /** Sessions whose deliver() queue is read: the session, and where it stood before this take. */
    const written: [Attachment, Map<string, Position>][] = [];
    for (const id of ids) {
      const a = of.get(id);
      if (!a) continue;
      a.usedAt = Date.now();
      // [ENG-STREAM-8] An attached session's take writes nothing (this node's per-stream positions
      // stand for it) unless its deliver() queue is read, a script call anyway.
      if (!a.queued) {
        given.set(a.clientId, a.drain());
        continue;
      }
      const before = a.outPositions();
      given.set(a.clientId, a.drain());
      const positions = a.positions(this.writer.current());
      written.push([a, before]);
      args.push(id, '1', positions.length / 3, ...positions);
      a.queued = false;
    }
    /** The sessions whose take failed (their script did), and why. */
    const failed = new Map<string, unknown>();
    let replies: Reply[] | undefined;
    if (written.length > 0) {
      try {
        replies = list(await this.link.run(TAKE_STREAM, args));
      } catch (err) {
        // Nothing was written (refused before it ran: a connection lost, a slot in transit) and
        // these sessions' takes fail: what they drained was never given. They are let go, as
        // ack takes are, at the positions they stood at before this take (written as their own,
        // and a floor of this node's until then), so it is read again; written past it, it would be
        // skipped. The turn's other sessions are given theirs (ENG-STREAM-6, REDIS-11).
        for (const [a, before] of written) {
          a.rewind(before);
          this.detach(a.clientId);
          failed.set(a.clientId, err);
        }
      }
    }
    if (replies) {
      written.forEach(([a], i) => {
        const reply = (replies as Reply[])[i];
        if (!Array.isArray(reply)) {
          given.set(a.clientId, []);
          return this.detach(a.clientId);
        }
        const [items, positions, since] = reply as Reply[];
        given.set(a.clientId, [...strings(items), ...(given.get(a.clientId) ?? [])]);
        this.reconcile(a, strings(positions), sinceOf(since));
      });
    }
    for (const t of takers) {
      if (failed.has(t.clientId)) {
        t.reject(failed.get(t.clientId));
        continue;
      }
      const items = given.get(t.clientId) ?? [];
      given.delete(t.clientId);
      t.resolve(this.stored.decode(items));
    }
  }

  /**
   * [ACK-2][ENG-STREAM-9] The ack takes of a turn: each session's batch is made here, from the batch
   * it did not acknowledge and what it has in hand, and every batch of the turn has the turn's
   * number. What another node needs to go on is written in one script call before any batch is
   * answered: the turn's positions once for the sessions whose batch they describe, whatever their
   * number, and a record for each of the others (a batch sent again or bounded, a stream where the
   * session stands elsewhere, its subscriptions being read again or changed where this node may not
   * know yet, its deliver() queue taken into its batch by that script). An empty batch writes nothing.
   */
  private async giveBatches(takers: BatchTaker[], of: Map<string, Attachment | undefined>, ackedOf: ReadonlyMap<string, number | undefined>): Promise<void> {
    if (takers.length === 0) return;
    const bounds = this.limits();
    const entries: (string | number)[] = [];
    const turn = new Map<string, string>();
    let least = 1;
    /** Batches the turn's positions describe, and those written as records of their own ('w', 'q'). */
    const shared: Made[] = [];
    const own: Made[] = [];
    const answers: [BatchTaker, AckBatch][] = [];
    for (const t of takers) {
      const a = of.get(t.clientId);
      if (!a) {
        answers.push([t, { batch: 0, messages: [] }]);
        continue;
      }
      const state = a.ack;
      if (!state) {
        // Not (or no longer) in ack mode: a plain take, as the flag says.
        this.turns.take(t.clientId).then((messages) => t.resolve({ batch: 0, messages }), t.reject);
        continue;
      }
      a.usedAt = Date.now();
      const acked = ackedOf.get(t.clientId);
      const fresh = a.drain();
      const positions = a.ownPositions();
      if (a.queued) {
        a.queued = false;
        least = Math.max(least, state.floor(acked));
        const resend = state.resend(acked);
        entries.push(t.clientId, 'q', positions.join('\t'), resend.length, ...resend, fresh.length, ...fresh);
        own.push({ t, a, state, positions, batch: undefined, resend, fresh });
        continue;
      }
      const batch = state.nextBatch(acked, fresh, bounds);
      if (batch.items.length === 0) {
        state.given(state.n, []);
        answers.push([t, this.answer(a, state.n, batch)]);
        continue;
      }
      least = Math.max(least, state.floor(acked));
      const made = { t, a, state, positions, batch, resend: [], fresh: [] };
      if (batch.resent === 0 && batch.dropped === 0 && !this.refreshing.has(t.clientId) && joinTurn(turn, positions)) shared.push(made);
      else {
        entries.push(t.clientId, 'w', recordBody(batch.items, positions));
        own.push(made);
      }
    }
    if (shared.length + own.length > 0) await this.writeTurn({ shared, own, turn, least, entries }, answers);
    for (const [t, batch] of answers) t.resolve(batch);
  }

  /** The turn's records written (ack-turn.ts), then its batches given. */
  private async writeTurn(plan: PlannedTurn, answers: [BatchTaker, AckBatch][]): Promise<void> {
    const written = await writeAckTurn(this.ackHost, plan);
    if (!written) return;
    const { n, replies, failed } = written;
    for (const m of plan.shared) if (!failed.has(m.t.clientId)) this.giveMade(m, n, answers);
    plan.own.forEach((m, i) => {
      const reply = replies[i];
      if (!reply) {
        this.detach(m.t.clientId);
        return answers.push([m.t, { batch: 0, messages: [] }]);
      }
      if (m.batch) return this.giveMade(m, n, answers);
      const [queued, dropped] = list(reply);
      const all = [...m.resend, ...strings(queued), ...m.fresh];
      this.giveMade({ ...m, batch: { items: all.slice(Number(dropped)), dropped: Number(dropped), resent: 0 } }, n, answers);
    });
  }

  /** A batch given as number `n`: the session's state moves past it, and its answer is made. */
  private giveMade(m: Made, n: number, answers: [BatchTaker, AckBatch][]): void {
    const batch = m.batch as Batch;
    m.state.given(n, batch.items);
    answers.push([m.t, this.answer(m.a, n, batch)]);
  }

  /** Batch `n` as the connect reply carries it, told (LIMIT-12) when the bounds dropped its oldest. */
  private answer(a: Attachment, n: number, batch: Batch): AckBatch {
    const messages = this.stored.decode(batch.items);
    if (batch.dropped > 0) this.emit({ type: 'session:overflow', clientId: a.clientId, dropped: batch.dropped, policy: 'drop-oldest' });
    return { batch: n, messages: withOverflowNotice(messages, batch.dropped, a.patterns()) };
  }

  /** [ACK-2][ENG-STREAM-9] Ack takes go in turns with the others: one barrier and one script a turn. */
  override takeBatch(clientId: string, acked: number | undefined): Promise<AckBatch> {
    return this.turns.takeBatch(clientId, acked);
  }

  /**
   * An attached session's mode is known here (its records read at attach, its batches made here).
   * `acked`: the connect's ack, where an ack session attached now starts (ENG-STREAM-9).
   */
  override async deliveryMode(clientId: string, acked?: number): Promise<DeliveryMode> {
    if (this.streamedKnown(clientId)) return STREAMED;
    const a = await this.attach(clientId, validAck(acked));
    return a?.ack ? { ack: true, unacked: a.ack.unacked?.n } : STREAMED;
  }
}

/** A client's ack as a batch number, or undefined (none, or not a number a batch could have). */
function validAck(acked: number | undefined): number | undefined {
  return acked !== undefined && Number.isSafeInteger(acked) && acked >= 0 ? acked : undefined;
}
