/**
 * The pure protocol core (SPEC: HS-*, CONN-*, SUB-*, PUB-*, SVC-*, DISC-*): a batch of messages
 * in, replies out. No sockets, no HTTP, no timers: a /meta/connect that should be held is handed
 * back to the transport as a `HeldConnect`, and the transport decides how to wait for it.
 */
import {
  channelKind,
  isValidChannelName,
  isWildcard,
  matchingPatterns,
  BayeuxError,
  bayeuxError,
  toBayeuxError,
  type Advice,
  BAYEUX_VERSION,
  META,
  type Message,
  type RawMessage,
} from '@kuiper/protocol';
import { checkMessage, encodedSize } from './codec.js';
import type { Engine } from './engine.js';
import { type ExtensionContext, ExtensionPipeline, isRejection } from './extension.js';
import { Gate } from './gate.js';
import { applySubscriptions, withSession } from './lifecycle.js';
import type { SessionInfo } from './security.js';
import { createLogger } from './log.js';
import { type CoreLimits, type CoreOptions, DEFAULT_LIMITS, type ServiceHandler } from './core-options.js';
import { HANDSHAKE_ADVICE, UNAVAILABLE_ADVICE, engineUnavailable, errorReply, fromEngine, replyTo, withSubscription } from './replies.js';

// The options and reply helpers live beside the core; importers keep finding them here.
export { DEFAULT_LIMITS, type AdviceOptions, type CoreLimits, type CoreOptions, type ServiceContext, type ServiceHandler } from './core-options.js';
export { HANDSHAKE_ADVICE, errorReply } from './replies.js';

const log = createLogger('core');


export interface ProcessContext {
  /** The transport the batch arrived on, e.g. `long-polling`. */
  transport: string;
  /** [SEC-9] The server's in-process transport: its handshake makes a server session. */
  trusted?: boolean;
}

/** [SEC-9] The connection type of `kuiper.inProcessTransport()`, offered to it alone. */
export const IN_PROCESS = 'in-process';

export interface HeldConnect {
  clientId: string;
  /** The connect as received (after incoming extensions). */
  request: Message;
  transport: string;
  /** The reply to send when the wait ends (deliveries go before it). */
  reply: Message;
  /** 0: answer at once. */
  holdMs: number;
  /** The session, for the outgoing extensions' `ctx.session` when the hold ends (LIFE-7). */
  session?: SessionInfo;
}

/**
 * [LIMIT-10] A held connect as the core hands it out. Its reply and session are made each time
 * they are asked for (when the hold ends, or a stream opens), not kept: an idle session holds its
 * connect for the whole `timeout`, and the two objects kept that long were 104 bytes per session.
 * The connector copies it into its Hold (connector.ts says why they are two classes).
 */
class HeldConnectRecord implements HeldConnect {
  constructor(
    readonly clientId: string,
    readonly request: Message,
    readonly transport: string,
    readonly holdMs: number,
    /** The session's data: its `SessionInfo` is made when asked for, as the reply is (40 bytes). */
    private readonly data: unknown,
    /** The core's one frozen advice object. */
    private readonly advice: Advice,
  ) {}

  get session(): SessionInfo {
    return { clientId: this.clientId, data: this.data };
  }

  get reply(): Message {
    return connectReply(this.request, this.clientId, this.advice);
  }
}

/** A successful connect's reply to `request`. */
function connectReply(request: Message, clientId: string, advice: Advice): Message {
  const { channel, id } = request;
  // One literal keeps every field in the object itself (a skeleton plus added fields would
  // take a separate property array).
  return id === undefined ? { channel, successful: true, clientId, advice } : { channel, successful: true, id, clientId, advice };
}

/** What the connector took for a connect's answer; `ext` joins the reply's (the ack batch number, ACK-1). */
export interface Taken {
  messages: Message[];
  ext?: Record<string, unknown>;
}

export interface ProcessResult {
  replies: Message[];
  connect?: HeldConnect;
  /** Set when the batch was a successful handshake. */
  handshake?: string;
}


export class BayeuxCore {
  private readonly extensions: ExtensionPipeline;
  private readonly limits: CoreLimits;
  private readonly gate: Gate;

  constructor(
    private readonly engine: Engine,
    private readonly options: CoreOptions,
  ) {
    this.extensions = options.extensions ?? new ExtensionPipeline();
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.gate = new Gate(engine, options.policy, options.authorizers);
  }

  /** The same (frozen) advice object on every reply: an idle held connect should cost little. */
  private retryAdvice(): Advice {
    if (!this.advice) {
      const { timeout, interval, maxInterval } = this.options;
      this.advice = Object.freeze({ reconnect: 'retry', timeout, interval, maxInterval }) as Advice;
    }
    return this.advice;
  }

  private advice: Advice | undefined;

  async process(raws: readonly RawMessage[], ctx: ProcessContext): Promise<ProcessResult> {
    const result: ProcessResult = { replies: [] };
    const handshake = raws.find((m) => m['channel'] === META.handshake);
    // [HS-5] Other messages batched with a handshake are ignored: they have no clientId yet.
    const batch = handshake ? [handshake] : raws;
    const base: ExtensionContext = { transport: ctx.transport, engine: this.engine };
    const sessions = batch.length > 1 ? new Map<string, Promise<SessionInfo | undefined>>() : undefined;
    for (const raw of batch) {
      const replies: Message[] = [];
      let request: Message | undefined;
      let extCtx = base;
      try {
        // [LIFE-7] Extensions see the session the message names, looked up once per batch.
        if (this.extensions.size > 0) extCtx = await withSession(this.engine, base, raw['clientId'], sessions, this.limits.maxClientIdLength);
        request = await this.one(raw, ctx, extCtx, replies, result);
      } catch (err) {
        const error = toBayeuxError(err);
        if (!(err instanceof BayeuxError)) log.error('handler failed', err);
        // [ENG-6] A handshake or connect refused because the engine failed says to try again.
        const retry = error.reason === 'engine_unavailable' && (raw['channel'] === META.handshake || raw['channel'] === META.connect);
        replies.push(errorReply(raw, error, retry ? UNAVAILABLE_ADVICE : undefined));
      }
      for (const reply of replies) {
        result.replies.push(request ? await this.outgoing(reply, request, extCtx) : reply);
      }
    }
    return result;
  }

  /** [EXT-2] Replies pass the outgoing hooks; a failing hook cannot take the reply away. */
  private async outgoing(reply: Message, request: Message, ctx: ExtensionContext): Promise<Message> {
    if (this.extensions.size === 0) return reply;
    try {
      return await this.extensions.outgoing(reply, request, ctx);
    } catch (err) {
      log.error('outgoing extension failed', err);
      return reply;
    }
  }

  /** Handles one message; returns it as the extensions left it (for the outgoing hooks). */
  private async one(
    raw: RawMessage,
    ctx: ProcessContext,
    extCtx: ExtensionContext,
    replies: Message[],
    result: ProcessResult,
  ): Promise<Message | undefined> {
    const checked = checkMessage(raw, this.limits.maxClientIdLength);
    if (checked instanceof BayeuxError) {
      replies.push(errorReply(raw, checked));
      return undefined;
    }
    // [EXT-1] Every message, meta or not and whatever its suffix, goes through the pipeline.
    const incoming = this.extensions.size === 0 ? checked : await this.extensions.incoming(checked, extCtx);
    if (isRejection(incoming)) {
      replies.push(errorReply(checked, incoming.reject, incoming.advice));
      return checked;
    }
    // The message's replies are collected apart so the outgoing hooks can see them with it.
    const own: ProcessResult = { replies };
    await this.act(incoming, ctx, own);
    if (own.connect) {
      // [CONN-7] Two connects in one batch: the earlier one is answered at once, only the last is held.
      if (result.connect) result.replies.push(result.connect.reply);
      result.connect = own.connect;
    }
    if (own.handshake) result.handshake = own.handshake;
    return incoming;
  }

  private async act(msg: Message, ctx: ProcessContext, result: ProcessResult): Promise<void> {
    const kind = channelKind(msg.channel);
    if (kind === 'meta') {
      switch (msg.channel) {
        case META.handshake:
          return this.handshake(msg, ctx, result);
        case META.connect:
          return this.connect(msg, ctx, result);
        case META.subscribe:
          return this.subscription(msg, ctx, result, true);
        case META.unsubscribe:
          return this.subscription(msg, ctx, result, false);
        case META.disconnect:
          return this.disconnect(msg, ctx, result);
        default:
          // [META-1] `/meta/subscribe/x` and friends are not a way around the checks above.
          result.replies.push(errorReply(msg, bayeuxError('channel_invalid')));
          return;
      }
    }
    if (!isValidChannelName(msg.channel) || isWildcard(msg.channel)) {
      result.replies.push(errorReply(msg, bayeuxError('channel_invalid')));
      return;
    }
    // [PUB-4] What is wrong with the message itself is said before the session is looked up (ENG-6:
    // bad input gets its own 4xx even while the engine is away).
    if (kind !== 'service' && !('data' in msg)) {
      result.replies.push(errorReply(msg, bayeuxError('message_invalid', 'data')));
      return;
    }
    const session = await this.session(msg, ctx, result);
    if (!session) return;
    // [SEC-5] A service call is authorized as a publish to its channel (as CometD does).
    if (kind === 'service') {
      const denied = await this.gate.allowed('publish', session, msg.channel, msg);
      if (denied) {
        result.replies.push(errorReply(msg, denied));
        return;
      }
      return this.service(msg, session, result);
    }
    return this.publish(msg, session, result);
  }

  /** The session a message names, or the error reply (with handshake advice) already pushed. */
  private async session(msg: Message, ctx: ProcessContext, result: ProcessResult): Promise<SessionInfo | undefined> {
    const found = await this.gate.session(msg, ctx.trusted);
    if (found instanceof BayeuxError) {
      result.replies.push(errorReply(msg, found, HANDSHAKE_ADVICE));
      return undefined;
    }
    return found;
  }

  private async handshake(msg: Message, ctx: ProcessContext, result: ProcessResult): Promise<void> {
    const serverTypes = ctx.trusted ? [IN_PROCESS] : this.options.connectionTypes();
    const offered = msg.supportedConnectionTypes;
    if (offered === undefined) {
      result.replies.push(errorReply(msg, bayeuxError('connection_type_missing'), { reconnect: 'none' }));
      return;
    }
    // [HS-3] No connection type in common: unsuccessful, and the client is told what we speak.
    if (!offered.some((t) => serverTypes.includes(t))) {
      const reply = errorReply(msg, bayeuxError('connection_type_unsupported'), { reconnect: 'none' });
      reply.supportedConnectionTypes = serverTypes;
      reply.version = BAYEUX_VERSION;
      result.replies.push(reply);
      return;
    }
    // [SEC-1] A refused handshake says so with reconnect:none, so clients stop instead of looping.
    const verdict = await this.gate.handshake(msg, ctx.trusted);
    if (verdict instanceof BayeuxError) {
      result.replies.push(errorReply(msg, verdict, { reconnect: 'none' }));
      return;
    }
    const clientId = await fromEngine(this.engine.createSession(verdict.data));
    const reply = replyTo(msg, true);
    reply.clientId = clientId;
    reply.version = BAYEUX_VERSION;
    reply.supportedConnectionTypes = serverTypes;
    reply.advice = this.retryAdvice();
    result.replies.push(reply);
    result.handshake = clientId;
  }

  private async connect(msg: Message, ctx: ProcessContext, result: ProcessResult): Promise<void> {
    const session = await this.session(msg, ctx, result);
    if (!session) return;
    const clientId = session.clientId;
    // Kept while the connect is held: the session's own id string rather than the copy JSON.parse
    // made of it for this message (48 bytes per idle session; the engine's is the same text).
    if (msg.clientId === clientId) msg.clientId = clientId;
    // [CONN-2] `advice.timeout: 0` (first connect, reconnects) is answered at once; a client may
    // also ask for a shorter hold, never a longer one.
    // How deliveries go with it (streamed, or in ack batches) is the connector's (DELIV-*, ACK-*).
    const asked = msg.advice?.timeout;
    const holdMs =
      typeof asked === 'number' && asked >= 0 ? Math.min(asked, this.options.timeout) : this.options.timeout;
    result.connect = new HeldConnectRecord(clientId, msg, ctx.transport, holdMs, session.data, this.retryAdvice());
    log.debug(`connect ${clientId} over ${ctx.transport}, hold ${holdMs} ms`);
  }

  /** A successful reply to the connect `request` (a held connect's, made when it is answered). */
  connectReply(request: Message, clientId: string): Message {
    return connectReply(request, clientId, this.retryAdvice());
  }

  /** The connect reply as sent when a stream opens, through the outgoing extensions (EXT-2). */
  openingReply(connect: HeldConnect): Promise<Message> {
    return this.outgoing(connect.reply, connect.request, { transport: connect.transport, engine: this.engine, session: connect.session });
  }

  /**
   * Ends a held connect: `taking` (what the connector takes for this answer, if anything) followed
   * by the connect reply, which passes the outgoing extensions.
   */
  async completeConnect(connect: HeldConnect, taking?: Promise<Taken>): Promise<Message[]> {
    // The take and the session check go together (one round trip with a shared engine). [ENG-6] A
    // check that failed counts as alive: what was taken goes out, the next connect's check tells.
    const [taken, alive] = await Promise.all([taking, this.engine.hasSession(connect.clientId).catch(() => true)]);
    let reply = connect.reply;
    if (taken?.ext) reply = { ...reply, ext: { ...reply.ext, ...taken.ext } };
    // [CONN-5] A session that vanished (pruned, disconnected) while held gets 402 and handshake advice.
    if (!alive) {
      reply = errorReply(reply, bayeuxError('session_unknown'), HANDSHAKE_ADVICE);
    }
    const ctx: ExtensionContext = { transport: connect.transport, engine: this.engine, session: connect.session };
    const out = await this.outgoing(reply, connect.request, ctx);
    return taken && taken.messages.length > 0 ? [...taken.messages, out] : [out];
  }

  private async subscription(msg: Message, ctx: ProcessContext, result: ProcessResult, add: boolean): Promise<void> {
    const session = await this.session(msg, ctx, result);
    if (!session) return;
    const clientId = session.clientId;
    const wanted = msg.subscription;
    if (wanted === undefined || (Array.isArray(wanted) && wanted.length === 0)) {
      result.replies.push(errorReply(msg, bayeuxError('subscription_missing')));
      return;
    }
    const list = Array.isArray(wanted) ? wanted : [wanted];
    const fail = (error: BayeuxError): void => {
      result.replies.push(withSubscription(errorReply(msg, error), wanted));
    };
    // [SUB-2] All or nothing: one invalid, forbidden or denied pattern fails the whole request.
    for (const pattern of list) {
      if (!isValidChannelName(pattern)) return fail(bayeuxError('channel_invalid'));
      if (channelKind(pattern) === 'meta') return fail(bayeuxError('channel_forbidden', pattern));
      if (add && channelKind(pattern) === 'broadcast') {
        const denied = await this.gate.allowed('subscribe', session, pattern, msg);
        if (denied) return fail(denied);
      }
    }
    // [LIMIT-3] A session holds at most maxSubscriptions subscriptions.
    const count = add ? await fromEngine(this.engine.subscriptionCount(clientId)).catch((err: BayeuxError) => err) : 0;
    if (count instanceof BayeuxError) return fail(count);
    if (add && count + list.length > this.limits.maxSubscriptions) {
      return fail(bayeuxError('subscriptions_exceeded', String(this.limits.maxSubscriptions)));
    }
    const failed = await applySubscriptions(this.engine, this.options.lifecycle, clientId, list, add);
    if (failed) return fail(failed);
    const reply = replyTo(msg, true);
    reply.clientId = clientId;
    reply.subscription = wanted;
    result.replies.push(reply);
  }

  private async disconnect(msg: Message, ctx: ProcessContext, result: ProcessResult): Promise<void> {
    if (!(await this.session(msg, ctx, result))) return;
    await fromEngine(this.engine.destroySession(msg.clientId as string, 'disconnect'));
    const reply = replyTo(msg, true);
    reply.clientId = msg.clientId as string;
    result.replies.push(reply);
  }

  private async publish(msg: Message, session: SessionInfo, result: ProcessResult): Promise<void> {
    const denied = await this.gate.allowed('publish', session, msg.channel, msg);
    if (denied) {
      result.replies.push(errorReply(msg, denied));
      return;
    }
    // [PUB-3] The delivered copy drops the publisher's clientId, id and ext.
    const delivery: Message = { channel: msg.channel, data: msg.data };
    // [LIMIT-2] Serialising now costs nothing extra: the cached JSON is what subscribers receive.
    let size: number;
    try {
      size = encodedSize(delivery);
    } catch {
      // Data nested deeper than JSON.stringify's stack allows: the client's fault, not ours.
      result.replies.push(errorReply(msg, bayeuxError('message_invalid', 'data')));
      return;
    }
    if (size > this.limits.maxMessageBytes) {
      result.replies.push(errorReply(msg, bayeuxError('message_too_large', String(this.limits.maxMessageBytes))));
      return;
    }
    try {
      await this.engine.publish(delivery);
    } catch (err) {
      // [ENG-6] Never a silent drop, nor a generic 500: the publisher is told the engine failed.
      throw engineUnavailable(err);
    }
    // [PUB-2] The acknowledgement has no `data`, or faye would hand it to subscribers.
    result.replies.push(replyTo(msg, true));
  }

  private async service(msg: Message, session: SessionInfo, result: ProcessResult): Promise<void> {
    const handler = this.findService(msg.channel);
    // [SVC-2] Nobody answers this service: say so now rather than leave a remote call to time out.
    if (!handler) {
      result.replies.push(errorReply(msg, bayeuxError('service_unknown', msg.channel)));
      return;
    }
    const reply = replyTo(msg, true);
    const answer = await handler(msg.data, { clientId: session.clientId, message: msg, session });
    // [SVC-1] The answer rides on the reply, to the sender only (cometd's remoteCall matches by id).
    if (answer !== undefined) reply.data = answer;
    result.replies.push(reply);
  }

  private findService(channel: string): ServiceHandler | undefined {
    const services = this.options.services;
    // The channel itself first: most calls name a registered channel, and need no list of patterns.
    const exact = services.get(channel);
    if (exact) return exact;
    for (const pattern of matchingPatterns(channel)) {
      const handler = services.get(pattern);
      if (handler) return handler;
    }
    return undefined;
  }
}
