/**
 * Sessions whose subscriptions this node is reading again (REFRESH, SPEC: ENG-STREAM-4,
 * ENG-STREAM-11). A subscription changed through another node is told here by a wake ('+id') that
 * comes, on one Redis, before any publish made after the change; until the read answers, this node
 * does not know which of the session's streams still count, so what they bring waits (Waiting).
 * Pure bookkeeping: no Redis.
 */
export class Refreshes {
  /** Reads in flight per session: the last one to answer has Redis's latest subscriptions. */
  private readonly counts = new Map<string, number>();

  has(clientId: string): boolean {
    return this.counts.has(clientId);
  }

  begin(clientId: string): void {
    this.counts.set(clientId, (this.counts.get(clientId) ?? 0) + 1);
  }

  end(clientId: string): void {
    const left = (this.counts.get(clientId) ?? 1) - 1;
    if (left > 0) this.counts.set(clientId, left);
    else this.counts.delete(clientId);
  }

  clear(): void {
    this.counts.clear();
  }
}
