/**
 * [SESS-2][SESS-3][ENG-STREAM-8] The connects this node holds, and what they cost Redis: one write
 * (HOLD, batched per event-loop turn) when the node starts holding a session, one (RELEASE, batched
 * per sweep period) when its last connect here ended and no other opened here within a grace
 * time (a period, up to 5 s within half of maxInterval). Nothing per connect answered, nothing per held session per second: the node's own lease
 * (one key write per period) stands for every session it holds.
 */
export class Holds {
  private readonly counts = new Map<string, number>();
  /** Sessions whose last connect here ended, and when (this node's clock: only the age is sent). */
  private readonly ended = new Map<string, number>();
  private pending: string[] = [];

  constructor(
    /** Writes that this node holds these sessions. */
    private readonly hold: (ids: string[]) => void,
  ) {}

  has(clientId: string): boolean {
    return this.counts.has(clientId);
  }

  /**
   * Held here, or its last connect here ended and its release is not yet sent: either way Redis
   * still has it held by this node, so this node's lease keeps it from being pruned (REDIS-4).
   */
  covers(clientId: string): boolean {
    return this.counts.has(clientId) || this.ended.has(clientId);
  }

  /** Every session held here (to hold again after this node was taken for gone). */
  all(): string[] {
    return [...this.counts.keys(), ...this.ended.keys()];
  }

  opened(clientId: string): void {
    const n = this.counts.get(clientId) ?? 0;
    this.counts.set(clientId, n + 1);
    // Still held in Redis: its last connect here ended within this period.
    if (n > 0 || this.ended.delete(clientId)) return;
    if (this.pending.length === 0) queueMicrotask(() => this.hold(this.pending.splice(0)));
    this.pending.push(clientId);
  }

  closed(clientId: string): void {
    const n = (this.counts.get(clientId) ?? 0) - 1;
    if (n > 0) {
      this.counts.set(clientId, n);
      return;
    }
    this.counts.delete(clientId);
    this.ended.set(clientId, Date.now());
  }

  /**
   * Sessions no longer held here — their last connect ended at least `minAgeMs` ago, so one sent
   * again after its reply is not released and held again — as (id, ms since it ended) pairs, flat.
   */
  releases(minAgeMs: number): (string | number)[] {
    const now = Date.now();
    const flat: (string | number)[] = [];
    for (const [id, at] of this.ended) {
      if (now - at < minAgeMs) continue;
      flat.push(id, now - at);
      this.ended.delete(id);
    }
    return flat;
  }

  /**
   * Pairs `releases` gave whose release failed (Redis out of reach a moment): released again at the
   * next period, unless a connect opened here meanwhile. Otherwise Redis would keep them held by
   * this node, out of pruning's reach, for as long as it lives.
   */
  unreleased(pairs: readonly (string | number)[]): void {
    const now = Date.now();
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const id = String(pairs[i]);
      if (!this.counts.has(id) && !this.ended.has(id)) this.ended.set(id, now - Number(pairs[i + 1]));
    }
  }

  clear(): void {
    this.counts.clear();
    this.ended.clear();
    this.pending = [];
  }
}
