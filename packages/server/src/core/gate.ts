/**
 * Where the core asks "who is this, and may they?" (SPEC: SESS-1, SEC-1..4): session lookup with
 * the policy's re-check, the handshake decision, and create/subscribe/publish authorization
 * (policy hook first, then channel authorizers). Answers are values: a session, or the error.
 */
import { channelKind, type BayeuxError, bayeuxError, type Message } from '@kuiper/protocol';
import type { Engine } from './engine.js';
import { engineUnavailable, fromEngine } from './replies.js';
import { type Authorizers, type SecurityPolicy, type SessionInfo, denial, isServerSession, SERVER_SESSION_KEY } from './security.js';

export class Gate {
  constructor(
    private readonly engine: Engine,
    private readonly policy: SecurityPolicy | undefined,
    private readonly authorizers: Authorizers | undefined,
  ) {}

  /**
   * [SEC-1] Allowed: what to remember about the session. Refused: the error, reason included.
   * [SEC-9] `trusted` (the in-process transport): a server session, the policy not asked.
   */
  async handshake(msg: Message, trusted = false): Promise<{ data: unknown } | BayeuxError> {
    if (trusted) {
      // What the server's own code said of itself (`inProcessTransport({ data })`), marked as the server's.
      const own = msg.ext?.[SERVER_SESSION_KEY];
      return { data: { ...(typeof own === 'object' && own !== null ? own : {}), [SERVER_SESSION_KEY]: true } };
    }
    const verdict = this.policy?.canHandshake ? await this.policy.canHandshake(msg) : true;
    const reason = denial(verdict);
    if (reason !== undefined) return bayeuxError('handshake_denied', reason);
    const data = typeof verdict === 'object' ? verdict.data : undefined;
    if (isServerSession({ data })) return bayeuxError('handshake_denied', 'server_session_reserved');
    return { data };
  }

  /**
   * [SESS-1] An unknown clientId is `402::session_unknown`.
   * [SEC-4] The policy re-checks an established session; a failed check ends it.
   * [SEC-9] A server session answers only its in-process transport (`trusted`), unchecked.
   */
  async session(msg: Message, trusted = false): Promise<SessionInfo | BayeuxError> {
    if (msg.clientId === undefined) return bayeuxError('client_id_missing');
    // Both asked at once: one round trip with a shared engine, whose data comes from its cache.
    let exists: boolean;
    let session: SessionInfo | undefined;
    try {
      [exists, session] = await Promise.all([this.engine.hasSession(msg.clientId), this.engine.session(msg.clientId)]);
    } catch (err) {
      // [ENG-6] Thrown, not returned: the session may well exist, so no handshake advice.
      throw engineUnavailable(err);
    }
    if (!exists || !session) return bayeuxError('session_unknown');
    if (isServerSession(session)) return trusted ? session : bayeuxError('session_unknown');
    const check = this.policy?.checkSession;
    if (check) {
      const reason = denial(await check.call(this.policy, session, msg));
      if (reason !== undefined) {
        await fromEngine(this.engine.destroySession(msg.clientId, 'policy'));
        return bayeuxError('session_expired', reason);
      }
    }
    return session;
  }

  /** [SEC-2][SEC-3] Policy hook, then channel authorizers; the reason goes in the 403 error. */
  async allowed(
    op: 'subscribe' | 'publish',
    session: SessionInfo,
    channel: string,
    msg: Message,
  ): Promise<BayeuxError | undefined> {
    // [SEC-9] The server's own code is not asked about by the policy it enforces on clients.
    if (isServerSession(session)) return undefined;
    const policy = this.policy;
    // Service channels are never created (nothing is broadcast on them): only the publish check applies.
    // [SEC-2] Without a canCreate hook or any authorizer nothing can refuse a creation: the engine is
    // not asked whether the channel exists (a Redis round trip per publish for a channel no session
    // here follows).
    const mayRefuseCreate = policy?.canCreate !== undefined || (this.authorizers !== undefined && !this.authorizers.empty);
    if (mayRefuseCreate && channelKind(channel) !== 'service' && !(await fromEngine(this.engine.hasChannel(channel)))) {
      const reason = policy?.canCreate ? denial(await policy.canCreate(session, channel, msg)) : undefined;
      const byAuth = reason ?? (this.authorizers ? await this.authorizers.check('create', channel, session, msg) : undefined);
      if (byAuth !== undefined) return bayeuxError('create_denied', byAuth);
    }
    const hook = op === 'subscribe' ? policy?.canSubscribe : policy?.canPublish;
    const reason = hook ? denial(await hook.call(policy, session, channel, msg)) : undefined;
    // Nothing awaited that is not there: each `await` is a turn of the microtask queue per publish.
    const byAuth = reason ?? (this.authorizers ? await this.authorizers.check(op, channel, session, msg) : undefined);
    if (byAuth === undefined) return undefined;
    return bayeuxError(op === 'subscribe' ? 'subscribe_denied' : 'publish_denied', byAuth);
  }
}
