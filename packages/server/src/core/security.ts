/**
 * Authorization (SPEC: SEC-*): a security policy with one hook per operation, plus per-channel
 * authorizers where any deny wins (as CometD's). A decision is `true` (allow), `false` (deny), or a
 * string (deny, with that reason in the `403:<reason>:…` error). Everything may be async.
 */
import { matchingPatterns, type Message } from '@kuiper/protocol';

export type Decision = boolean | string;

/** What a policy knows about a session: its id and what `canHandshake` attached to it. */
export interface SessionInfo {
  readonly clientId: string;
  readonly data: unknown;
}

/**
 * [SEC-9] The key in a session's data that marks a server session: one opened by the server's own
 * code through `kuiper.inProcessTransport()`. Only the in-process transport sets it; a `canHandshake`
 * that returns it is refused, so no network client can come by it (not even through a policy that
 * copies what the client sent), and the network may not use a server session's clientId.
 */
export const SERVER_SESSION_KEY = 'kuiper:server';

/** [SEC-9] Whether `session` is a server session (its data carries `SERVER_SESSION_KEY`). */
export function isServerSession(session: { readonly data: unknown } | undefined): boolean {
  const data = session?.data;
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>)[SERVER_SESSION_KEY] === true;
}

/** `canHandshake` may return `{ data }` to allow and remember who the session belongs to. */
export type HandshakeDecision = Decision | { data: unknown };

export interface SecurityPolicy {
  /** Credentials arrive in `message.ext`. */
  canHandshake?(message: Message): HandshakeDecision | Promise<HandshakeDecision>;
  /** A channel that does not exist yet is about to be created by a subscribe or publish. */
  canCreate?(session: SessionInfo, channel: string, message: Message): Decision | Promise<Decision>;
  canSubscribe?(session: SessionInfo, channel: string, message: Message): Decision | Promise<Decision>;
  canPublish?(session: SessionInfo, channel: string, message: Message): Decision | Promise<Decision>;
  /**
   * Re-checked on every connect, subscribe and publish of an established session, so an expired
   * token ends the session then (with `403:<reason>:session_expired`), not only at handshake.
   */
  checkSession?(session: SessionInfo, message: Message): Decision | Promise<Decision>;
}

export type AuthorizerOperation = 'create' | 'subscribe' | 'publish';
export type AuthorizerResult = 'grant' | 'ignore' | 'deny' | { deny: string };
export type Authorizer = (
  operation: AuthorizerOperation,
  channel: string,
  session: SessionInfo,
  message: Message,
) => AuthorizerResult | Promise<AuthorizerResult>;

/** Normalises a decision: undefined when allowed, else the reason (maybe empty). */
export function denial(decision: Decision | { data: unknown }): string | undefined {
  // Only `{ data }` allows among objects: an array or `{}` is a mistake, and SEC-8 denies it.
  if (decision === true || (typeof decision === 'object' && decision !== null && !Array.isArray(decision) && 'data' in decision)) {
    return undefined;
  }
  if (typeof decision === 'string') return decision;
  // [SEC-8] Fail closed: a hook that returns nothing (a JavaScript caller's missing `return`) denies.
  return decision === false ? '' : 'no_decision';
}

export class Authorizers {
  private readonly byPattern = new Map<string, Set<Authorizer>>();

  /** No authorizer at all: every check allows (the gate then skips asking whether a channel exists). */
  get empty(): boolean {
    return this.byPattern.size === 0;
  }

  add(pattern: string, authorizer: Authorizer): () => void {
    let set = this.byPattern.get(pattern);
    if (!set) {
      set = new Set();
      this.byPattern.set(pattern, set);
    }
    set.add(authorizer);
    return () => {
      set.delete(authorizer);
      if (set.size === 0) this.byPattern.delete(pattern);
    };
  }

  /**
   * [SEC-3] No authorizer on the channel's patterns: allowed. Otherwise any deny wins, and at least
   * one must grant (all-ignore is a deny).
   */
  async check(op: AuthorizerOperation, channel: string, session: SessionInfo, message: Message): Promise<string | undefined> {
    if (this.byPattern.size === 0) return undefined;
    let found = false;
    let granted = false;
    for (const pattern of new Set(matchingPatterns(channel))) {
      const set = this.byPattern.get(pattern);
      if (!set) continue;
      for (const authorizer of set) {
        found = true;
        const result = await authorizer(op, channel, session, message);
        if (result === 'deny') return 'denied_by_authorizer';
        if (typeof result === 'object') return result.deny;
        if (result === 'grant') granted = true;
      }
    }
    if (!found || granted) return undefined;
    return 'not_granted';
  }
}
