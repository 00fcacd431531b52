/**
 * Reliable, ordered delivery with the server's ack extension (SPEC: CLI-31..33), wire-compatible
 * with CometD's: the handshake asks with `ext.ack: true`; once the server agrees, each connect
 * carries the number of the last batch received (`ext.ack`) and each connect reply numbers the
 * batch it carries, so a batch lost with a dropped connection is sent again. A response whose batch
 * number is not newer than the last one taken is a duplicate: its deliveries are dropped, so the
 * application sees each message once, in order.
 */
import { META, type Message } from './message.js';

export class AckState {
  private enabled = false;
  private batch = 0;

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

  /** The connect's ext: the last batch received. */
  connectExt(): Record<string, unknown> | undefined {
    return this.enabled ? { ack: this.batch } : undefined;
  }

  /**
   * Looks at one response before its deliveries are handed out: records the batch its connect
   * reply names, and returns false when that batch was already taken (a duplicate response).
   */
  accept(messages: readonly Message[]): boolean {
    if (!this.enabled) return true;
    for (const message of messages) {
      if (message.channel !== META.connect || message.successful !== true) continue;
      const n = message.ext?.['ack'];
      if (typeof n !== 'number') continue;
      if (n <= this.batch) return false;
      this.batch = n;
    }
    return true;
  }
}
