/**
 * Reliable, ordered delivery with the server's ack extension (SPEC: CLI-31..33), wire-compatible
 * with CometD's: the handshake asks with `ext.ack: true`; once the server agrees, each connect
 * carries the number of the last batch received (`ext.ack`) and each connect reply numbers the
 * batch it carries, so a batch lost with a dropped connection is sent again. A response whose batch
 * number is not newer than the last one taken is a duplicate: its deliveries are dropped, so the
 * application sees each message once, in order.
 */
import { META, type Message } from '@kuiper/protocol';
import type { BatchPosition } from './session-source.js';

/** Every response without acks: fresh, at no batch position (one shared answer, none made per frame). */
const UNNUMBERED: { readonly fresh: true; readonly position: undefined } = Object.freeze({ fresh: true, position: undefined });

export class AckState {
  private enabled = false;
  private batch = 0;
  /** The ack the connect in flight carried (one connect is in flight at a time). */
  private sent = 0;

  constructor(private readonly wanted: boolean) {}

  get active(): boolean {
    return this.enabled;
  }

  /** The handshake's ext, asking for acks when wanted. */
  handshakeExt(ext: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    return this.wanted ? { ...ext, ack: true } : ext;
  }

  /** A new session: acks only if the server said yes (servers without the extension stay silent). */
  onHandshake(reply: Message): void {
    const answer = reply.ext?.['ack'];
    this.enabled = this.wanted && (answer === true || (typeof answer === 'object' && answer !== null && (answer as { enabled?: unknown }).enabled === true));
    this.batch = 0;
  }

  /** Continues a session another tab ran: acks were on there iff it knew a batch number. */
  resume(batch: number | undefined): void {
    this.enabled = this.wanted && batch !== undefined;
    this.batch = batch ?? 0;
  }

  /** The last batch taken, while acks are on. */
  get lastBatch(): number | undefined {
    return this.enabled ? this.batch : undefined;
  }

  /** The connect's ext: the last batch received. */
  connectExt(): Record<string, unknown> | undefined {
    if (!this.enabled) return undefined;
    this.sent = this.batch;
    return { ack: this.batch };
  }

  /**
   * Looks at one response before its deliveries are handed out: records the batch its connect
   * reply names, and says whether that batch was already taken (a duplicate response) and where
   * the batch sits (its number, and the ack the connect that fetched it carried).
   */
  accept(messages: readonly Message[]): { fresh: boolean; position: BatchPosition | undefined } {
    if (!this.enabled) return UNNUMBERED;
    let position: BatchPosition | undefined;
    for (const message of messages) {
      if (message.channel !== META.connect || message.successful !== true) continue;
      const n = message.ext?.['ack'];
      if (typeof n !== 'number') continue;
      if (n <= this.batch) return { fresh: false, position: undefined };
      this.batch = n;
      position = { batch: n, acked: this.sent };
    }
    return { fresh: true, position };
  }
}
