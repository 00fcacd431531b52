/**
 * What one tab has taken from a shared connection's stream of ack-numbered batches, so that a
 * change of leader hands it every message exactly once, in order (CLI-36). Pure: it sees batches
 * as the leader broadcast them and returns the messages the tab has not taken yet.
 *
 * The server's ack extension keeps one unacknowledged batch per session, numbers batches one after
 * another, and answers a connect whose ack is older than its last batch by sending that batch's
 * messages again at the head of the next one (server ACK-2). A tab that took batch n−1 therefore
 * drops the head of batch n — as many messages as n−1 had — when the connect that fetched n carried
 * an older ack; a tab that never saw n−1 takes it all.
 */
import type { Message } from '@kuiper/protocol';
import type { BatchPosition } from '../session-source.js';

export class DeliveryView {
  private clientIdValue: string | undefined;
  private batch: number | undefined;
  private count = 0;

  /** The session this tab last took from, and its last batch: where a new leader resumes. */
  get resumePoint(): { clientId: string; ack: number | undefined } | undefined {
    return this.clientIdValue === undefined ? undefined : { clientId: this.clientIdValue, ack: this.batch };
  }

  /**
   * What the leader says its session has taken, for a tab that has seen no batch of that session
   * yet (it joined between two batches): it can then hand over with the right ack.
   */
  seed(clientId: string, batch: number | undefined): void {
    if (clientId === this.clientIdValue && this.batch !== undefined) return;
    this.clientIdValue = clientId;
    this.batch = batch;
    this.count = 0; // the tab took none of that batch's messages
  }

  /** The messages of this batch the tab has not taken yet, in order. */
  accept(clientId: string | undefined, position: BatchPosition | undefined, messages: readonly Message[]): readonly Message[] {
    if (clientId !== this.clientIdValue) {
      // Another server session: nothing in it can repeat what the tab took before.
      this.clientIdValue = clientId;
      this.batch = position?.batch;
      this.count = messages.length;
      return messages;
    }
    if (!position) return messages; // no acks: nothing is ever sent twice, nor numbered
    const last = this.batch;
    if (last !== undefined && position.batch <= last) return []; // taken already (a late broadcast)
    const resent = last !== undefined && last === position.batch - 1 && position.acked < last;
    const fresh = resent ? messages.slice(this.count) : messages;
    this.batch = position.batch;
    this.count = messages.length;
    return fresh;
  }
}
