/**
 * [LIFE-7] What the security policy attached to each session, remembered per node. It never changes
 * during a session's life and clientIds are never reused, so an entry is dropped only when the
 * session is removed (any node's removal notification says so) or to stay bounded. With it, an
 * extension's `ctx.session` costs no Redis command once a node knows the session; without it, it
 * would be one more round trip before every publish. Measured (test/cluster/lifecycle.test.ts,
 * LIFE-7): 20 publishes of one session over two nodes read its data 42 times without the cache (the
 * extension context and the session check, per message), once with it (the node that did not make it).
 */
import type { SessionInfo } from '../../core/security.js';

export class SessionCache {
  private readonly known = new Map<string, SessionInfo>();
  /** Sessions removed lately: a read of one made before its removal came in is not remembered. */
  private readonly removed = new Set<string>();

  constructor(private readonly size = 100_000) {}

  get(clientId: string): SessionInfo | undefined {
    return this.known.get(clientId);
  }

  remember(session: SessionInfo): SessionInfo {
    if (this.removed.has(session.clientId)) return session;
    this.known.set(session.clientId, session);
    if (this.known.size > this.size) this.known.delete(this.known.keys().next().value as string);
    return session;
  }

  /** The session was removed (clientIds are never reused). */
  forget(clientId: string): void {
    this.known.delete(clientId);
    this.removed.add(clientId);
    if (this.removed.size > 10_000) this.removed.delete(this.removed.values().next().value as string);
  }

  /** Removals may have been missed (pub/sub was away): nothing known is trusted any more. */
  clear(): void {
    this.known.clear();
  }
}

/** Ack flags remembered per node (a session's flag is set once, at handshake), bounded. */
export class AckFlags {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly size = 10_000) {}

  get(clientId: string): boolean | undefined {
    return this.known.get(clientId);
  }

  set(clientId: string, ack: boolean): void {
    this.known.set(clientId, ack);
    if (this.known.size > this.size) this.known.delete(this.known.keys().next().value as string);
  }

  delete(clientId: string): void {
    this.known.delete(clientId);
  }
}
