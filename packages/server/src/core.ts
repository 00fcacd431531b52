/**
 * The pure protocol core (SPEC: HS-*, CONN-*, SUB-*, PUB-*, SVC-*, DISC-*): a batch of messages
 * in, replies out. No sockets, no HTTP, no timers: a /meta/connect that should be held is handed
 * back to the transport as a `HeldConnect`, and the transport decides how to wait for it.
 */
import { channelKind, isValidChannelName, isWild, matchingPatterns } from './channel.js';
import { checkMessage } from './codec.js';
import type { Engine } from './engine.js';
import { BayeuxError, bayeuxError, toBayeuxError } from './errors.js';
import { createLogger } from './log.js';
import { type Advice, BAYEUX_VERSION, META, type Message, type RawMessage } from './message.js';

const log = createLogger('core');

export interface AdviceOptions {
  /** How long a /meta/connect is held, ms (CometD's default 30000). */
  timeout: number;
  /** How long the client waits between connects, ms (default 0). */
  interval: number;
  /** How long a session lives without a connect, ms (default 10000). */
  maxInterval: number;
}

export interface ServiceContext {
  clientId: string;
  message: Message;
}

/** A `/service/**` handler: its return value (if not undefined) goes back to the sender only. */
export type ServiceHandler = (data: unknown, ctx: ServiceContext) => unknown;

export interface CoreOptions extends AdviceOptions {
  /** Connection types enabled on this server, as listed in handshake replies. */
  connectionTypes: () => string[];
  services: ReadonlyMap<string, ServiceHandler>;
}

export interface ProcessContext {
  /** The transport the batch arrived on, e.g. `long-polling`. */
  transport: string;
}

export interface HeldConnect {
  clientId: string;
  /** The reply to send when the wait ends (deliveries go before it). */
  reply: Message;
  /** 0: answer at once. */
  holdMs: number;
}

export interface ProcessResult {
  replies: Message[];
  connect?: HeldConnect;
  /** Set when the batch was a successful handshake. */
  handshake?: string;
}

/** The reply skeleton every meta and service reply carries: channel, echoed id, successful. */
function replyTo(msg: { channel: string; id?: string | number | undefined }, successful: boolean): Message {
  const reply: Message = { channel: msg.channel, successful };
  if (msg.id !== undefined) reply.id = msg.id;
  return reply;
}

export function errorReply(
  msg: { channel?: unknown; id?: unknown; clientId?: unknown },
  error: BayeuxError,
  advice?: Advice,
): Message {
  const reply: Message = {
    channel: typeof msg.channel === 'string' ? msg.channel : '',
    successful: false,
    error: error.wire,
  };
  if (typeof msg.id === 'string' || typeof msg.id === 'number') reply.id = msg.id;
  if (typeof msg.clientId === 'string') reply.clientId = msg.clientId;
  if (advice) reply.advice = advice;
  return reply;
}

export const HANDSHAKE_ADVICE: Advice = { reconnect: 'handshake', interval: 0 };

export class BayeuxCore {
  constructor(
    private readonly engine: Engine,
    private readonly options: CoreOptions,
  ) {}

  private retryAdvice(): Advice {
    const { timeout, interval, maxInterval } = this.options;
    return { reconnect: 'retry', timeout, interval, maxInterval };
  }

  async process(raws: readonly RawMessage[], ctx: ProcessContext): Promise<ProcessResult> {
    const result: ProcessResult = { replies: [] };
    const handshake = raws.find((m) => m['channel'] === META.handshake);
    // [HS-5] Other messages batched with a handshake are ignored: they have no clientId yet.
    const batch = handshake ? [handshake] : raws;
    for (const raw of batch) {
      try {
        await this.one(raw, ctx, result);
      } catch (err) {
        const error = toBayeuxError(err);
        if (!(err instanceof BayeuxError)) log.error('handler failed', err);
        result.replies.push(errorReply(raw, error));
      }
    }
    return result;
  }

  private async one(raw: RawMessage, ctx: ProcessContext, result: ProcessResult): Promise<void> {
    const checked = checkMessage(raw);
    if (checked instanceof BayeuxError) {
      result.replies.push(errorReply(raw, checked));
      return;
    }
    const msg = checked;
    const kind = channelKind(msg.channel);
    if (kind === 'meta') {
      switch (msg.channel) {
        case META.handshake:
          return this.handshake(msg, result);
        case META.connect:
          return this.connect(msg, ctx, result);
        case META.subscribe:
          return this.subscription(msg, result, true);
        case META.unsubscribe:
          return this.subscription(msg, result, false);
        case META.disconnect:
          return this.disconnect(msg, result);
        default:
          // [META-1] `/meta/subscribe/x` and friends are not a way around the checks above.
          result.replies.push(errorReply(msg, bayeuxError('channel_invalid')));
          return;
      }
    }
    if (!isValidChannelName(msg.channel) || isWild(msg.channel)) {
      result.replies.push(errorReply(msg, bayeuxError('channel_invalid')));
      return;
    }
    if (!(await this.knownSession(msg, result))) return;
    if (kind === 'service') return this.service(msg, result);
    return this.publish(msg, result);
  }

  /** [SESS-1] An unknown clientId gets 402::session_unknown with advice to handshake again. */
  private async knownSession(msg: Message, result: ProcessResult): Promise<boolean> {
    if (msg.clientId === undefined) {
      result.replies.push(errorReply(msg, bayeuxError('client_id_missing'), HANDSHAKE_ADVICE));
      return false;
    }
    if (!(await this.engine.hasSession(msg.clientId))) {
      result.replies.push(errorReply(msg, bayeuxError('session_unknown'), HANDSHAKE_ADVICE));
      return false;
    }
    return true;
  }

  private async handshake(msg: Message, result: ProcessResult): Promise<void> {
    const serverTypes = this.options.connectionTypes();
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
    const clientId = await this.engine.createSession();
    const reply = replyTo(msg, true);
    reply.clientId = clientId;
    reply.version = BAYEUX_VERSION;
    reply.supportedConnectionTypes = serverTypes;
    reply.advice = this.retryAdvice();
    result.replies.push(reply);
    result.handshake = clientId;
  }

  private async connect(msg: Message, ctx: ProcessContext, result: ProcessResult): Promise<void> {
    if (!(await this.knownSession(msg, result))) return;
    const clientId = msg.clientId as string;
    const reply = replyTo(msg, true);
    reply.clientId = clientId;
    reply.advice = this.retryAdvice();
    // [CONN-2] `advice.timeout: 0` (first connect, reconnects) is answered at once; a client may
    // also ask for a shorter hold, never a longer one.
    const asked = msg.advice?.timeout;
    const holdMs =
      typeof asked === 'number' && asked >= 0 ? Math.min(asked, this.options.timeout) : this.options.timeout;
    result.connect = { clientId, reply, holdMs };
    log.debug(`connect ${clientId} over ${ctx.transport}, hold ${holdMs} ms`);
  }

  private async subscription(msg: Message, result: ProcessResult, add: boolean): Promise<void> {
    if (!(await this.knownSession(msg, result))) return;
    const clientId = msg.clientId as string;
    const wanted = msg.subscription;
    if (wanted === undefined || (Array.isArray(wanted) && wanted.length === 0)) {
      result.replies.push(errorReply(msg, bayeuxError('subscription_missing')));
      return;
    }
    const list = Array.isArray(wanted) ? wanted : [wanted];
    // [SUB-2] All or nothing: one invalid or forbidden pattern fails the whole request.
    for (const pattern of list) {
      if (!isValidChannelName(pattern)) {
        result.replies.push(withSubscription(errorReply(msg, bayeuxError('channel_invalid')), wanted));
        return;
      }
      if (channelKind(pattern) === 'meta') {
        result.replies.push(withSubscription(errorReply(msg, bayeuxError('channel_forbidden', pattern)), wanted));
        return;
      }
    }
    for (const pattern of list) {
      // [SUB-4] Subscribing to /service/** is acknowledged but records nothing: it is never broadcast.
      if (channelKind(pattern) === 'service') continue;
      if (add) await this.engine.subscribe(clientId, pattern);
      else await this.engine.unsubscribe(clientId, pattern);
    }
    const reply = replyTo(msg, true);
    reply.clientId = clientId;
    reply.subscription = wanted;
    result.replies.push(reply);
  }

  private async disconnect(msg: Message, result: ProcessResult): Promise<void> {
    if (!(await this.knownSession(msg, result))) return;
    await this.engine.destroySession(msg.clientId as string, 'disconnect');
    const reply = replyTo(msg, true);
    reply.clientId = msg.clientId as string;
    result.replies.push(reply);
  }

  private async publish(msg: Message, result: ProcessResult): Promise<void> {
    if (!('data' in msg)) {
      result.replies.push(errorReply(msg, bayeuxError('message_invalid', 'data')));
      return;
    }
    // [PUB-3] The delivered copy drops the publisher's clientId, id and ext.
    await this.engine.publish({ channel: msg.channel, data: msg.data });
    // [PUB-2] The acknowledgement has no `data`, or faye would hand it to subscribers.
    result.replies.push(replyTo(msg, true));
  }

  private async service(msg: Message, result: ProcessResult): Promise<void> {
    const handler = this.findService(msg.channel);
    const reply = replyTo(msg, true);
    if (handler) {
      const answer = await handler(msg.data, { clientId: msg.clientId as string, message: msg });
      // [SVC-1] The answer rides on the reply, to the sender only (cometd's remoteCall matches by id).
      if (answer !== undefined) reply.data = answer;
    }
    result.replies.push(reply);
  }

  private findService(channel: string): ServiceHandler | undefined {
    const services = this.options.services;
    for (const pattern of matchingPatterns(channel)) {
      const handler = services.get(pattern);
      if (handler) return handler;
    }
    return undefined;
  }
}

function withSubscription(reply: Message, subscription: string | string[]): Message {
  reply.subscription = subscription;
  return reply;
}
