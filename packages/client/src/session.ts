/**
 * The Bayeux session: handshake, the /meta/connect loop, advice, transport choice, fallback and
 * reconnection. It knows nothing of subscriptions or publish queues; the client builds those on
 * the two hooks it offers (connected, message).
 *
 * Transport choice: the client advertises its usable transports in preference order and uses the
 * first one the server also lists. A transport that fails without having just worked is marked
 * failed and the next one is tried at once, keeping the clientId; when every candidate has
 * failed, the marks are cleared and the client waits for the backoff delay before a new round.
 */
import { BAYEUX_VERSION, META, isBayeuxError, isMetaChannel, type Advice, type Message } from '@kuiper/protocol';
import { AckState } from './ack.js';
import { AckGate } from './ack-gate.js';
import { backoffDelay } from './backoff.js';
import { KuiperClientError } from './errors.js';
import type { Logger } from './logger.js';
import { Outbox } from './outbox.js';
import { PendingReplies } from './pending-replies.js';
import { INITIAL_STATE, transition, type MachineEvent, type MachineState } from './session-machine.js';
import type { SessionHooks, SessionSource } from './session-source.js';
import { StatusStore, type RetryInfo } from './status.js';
import type { SessionConfig } from './session-config.js';
import type { Transport, TransportFactory } from './transport.js';
import { TransportChoice } from './transport-choice.js';

/** Held connects get the server's advised timeout plus this much network slack by default. */
const DEFAULT_CONNECT_TIMEOUT = 30_000;

export class Session implements SessionSource {
  readonly status: StatusStore;
  private clientIdValue: string | undefined;
  private advice: Advice = {};
  private transport: Transport | undefined;
  private generation = 0;
  private readonly choice: TransportChoice;
  private readonly ackState: AckState;
  /** Phase, consecutive failures and the flags they imply: see session-machine.ts (CLI-37). */
  private machine: MachineState = INITIAL_STATE;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The current connect's outcome has been acted on (a stream's end must not act again). */
  private connectSettled = false;
  private readonly outbox = new Outbox<Message>((batch) => this.sendBatch(batch));
  private readonly pending = new PendingReplies();
  private idCounter = 0;
  private readonly log: Logger;
  /** [CLI-36] Holds the next connect until the last batch taken may be acknowledged. */
  private readonly ackGate = new AckGate((ms) => this.log.warn(`batch not acknowledgeable after ${ms} ms: acknowledging it anyway`));

  constructor(private readonly config: SessionConfig, private readonly hooks: SessionHooks) {
    this.status = new StatusStore((error) => hooks.onInternalError(error));
    this.choice = new TransportChoice(config.transports, config.upgradeInterval);
    this.log = config.logger.child('session');
    this.ackState = new AckState(config.ack);
  }

  get clientId(): string | undefined {
    return this.clientIdValue;
  }

  get connected(): boolean {
    return this.status.status === 'connected';
  }

  get isStopped(): boolean { return this.stopped; } // prettier-ignore

  private get stopped(): boolean {
    return this.machine.phase === 'stopped';
  }

  /** Moves the machine on; returns the state before. A transition the table lacks is a bug: reported, ignored. */
  private dispatch(event: MachineEvent): MachineState {
    const before = this.machine;
    const next = transition(before, event);
    if (next) this.machine = next;
    else this.hooks.onInternalError(new Error(`session: "${event}" is not allowed in phase "${before.phase}"`));
    return before;
  }

  /** The last ack batch taken (CLI-32), while acks are on. */
  get lastBatch(): number | undefined {
    return this.ackState.lastBatch;
  }

  start(): void {
    const resume = this.config.resume;
    if (!resume) return this.handshake();
    this.clientIdValue = resume.clientId;
    this.ackState.resume(resume.ack);
    const factory = this.choice.pick();
    if (!factory) return this.stop(new KuiperClientError('no_transport', 'no usable transport for this environment'));
    this.useTransport(factory);
    // A server that no longer knows the session answers 402 and the session handshakes (CLI-16).
    this.connect(true);
  }

  newId(): string {
    return String(++this.idCounter);
  }

  /** Sends a message with the next batch (only while connected) and resolves with its reply. */
  request(message: Message, timeoutMs = this.config.requestTimeout): Promise<Message> {
    if (!this.transport || this.clientIdValue === undefined) {
      return Promise.reject(new KuiperClientError('connection_lost', `cannot send ${message.channel}: not connected`));
    }
    const outgoing: Message = { ...message, id: message.id ?? this.newId(), clientId: this.clientIdValue };
    const reply = this.pending.wait(outgoing.id as string, outgoing.channel, timeoutMs);
    this.outbox.push(outgoing);
    return reply;
  }

  /** Messages requested inside `fn` leave in one transport batch. */
  batch(fn: () => void): void {
    this.outbox.batch(fn);
  }

  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.dispatch('stop');
    clearTimeout(this.timer);
    const transport = this.transport;
    if (transport && this.clientIdValue !== undefined) {
      const message: Message = { channel: META.disconnect, clientId: this.clientIdValue, id: this.newId() };
      // Best effort: the session ends locally whatever the server says, but tell it so it can free
      // the session now instead of after its own timeout.
      await this.exchange(transport, message, false, Math.min(this.config.requestTimeout, 2_000)).catch(() => {});
    }
    this.closeTransport();
    this.pending.failAll(new KuiperClientError('disconnected', 'the client was disconnected'));
    this.clientIdValue = undefined;
    this.status.set('disconnected', undefined);
  }

  /**
   * Stops here without telling the server, so another tab can continue the session (CLI-36);
   * the server prunes it after its maxInterval if nobody does.
   */
  detach(): void {
    if (this.stopped) return;
    this.dispatch('stop');
    clearTimeout(this.timer);
    this.closeTransport();
    this.pending.failAll(new KuiperClientError('disconnected', 'the client was disconnected'));
    this.status.set('disconnected', undefined);
  }

  private sendBatch(batch: Message[]): void {
    const transport = this.transport;
    const lost = (error: unknown): void => {
      const reason = new KuiperClientError('connection_lost', `connection lost: ${String(error)}`, { cause: error });
      for (const m of batch) if (m.id !== undefined) this.pending.fail(m.id, reason);
    };
    if (!transport) return lost('no transport');
    transport.send(batch, { held: false, timeoutMs: this.config.requestTimeout }).catch(lost);
  }

  /** Handshake and connect go alone: servers ignore whatever is batched with a handshake. */
  private exchange(transport: Transport, message: Message, held: boolean, timeoutMs: number): Promise<Message> {
    return this.exchangeWithSend(transport, message, held, timeoutMs).reply;
  }

  /** Like exchange, also returning the send itself: a stream's send settles when the stream ends. */
  private exchangeWithSend(transport: Transport, message: Message, held: boolean, timeoutMs: number): { reply: Promise<Message>; sent: Promise<void> } {
    const id = message.id as string;
    const reply = this.pending.wait(id, message.channel, timeoutMs);
    const sent = transport.send([message], { held, timeoutMs });
    sent.catch((error: unknown) => {
      this.pending.fail(id, new KuiperClientError('connection_lost', `${message.channel} failed: ${String(error)}`, { cause: error }));
    });
    return { reply, sent };
  }

  private receive(messages: Message[]): void {
    // [CLI-33] A response repeating a batch already taken carries nothing new for the application.
    const { fresh, position } = this.ackState.accept(messages);
    const deliveries: Message[] = [];
    for (const message of messages) {
      if (!fresh && !isMetaChannel(message.channel) && message.successful === undefined) continue;
      const isReply = isMetaChannel(message.channel) || message.successful !== undefined;
      if (isReply && message.id !== undefined && this.pending.settle(message)) continue;
      if (message.channel === META.connect && this.transport?.streaming) {
        this.onStreamFinalReply(message);
        continue;
      }
      if (isMetaChannel(message.channel)) continue; // a stray meta reply: nobody waits for it
      deliveries.push(message);
    }
    if (deliveries.length === 0 && !position) return;
    try {
      this.hooks.onMessages(deliveries, position);
    } catch (error) {
      this.hooks.onInternalError(error);
    }
    if (position && this.hooks.acknowledgeable) this.ackGate.hold(this.hooks.acknowledgeable(position));
  }

  private useTransport(factory: TransportFactory): Transport {
    if (this.transport?.name === factory.name) return this.transport;
    this.closeTransport();
    const generation = this.generation;
    const transport = factory.create({
      url: this.config.url,
      env: this.config.env,
      logger: this.config.logger,
      openTimeout: this.config.openTimeout,
      receive: (messages) => {
        if (generation === this.generation) this.receive(messages);
      },
      fail: (error) => {
        if (generation !== this.generation) return;
        this.log.info(`${factory.name} failed: ${error.message}`);
        // Fail what waits; the held connect's rejection then drives the recovery.
        this.pending.failAll(new KuiperClientError('connection_lost', `${factory.name}: ${error.message}`, { cause: error }));
      },
    });
    this.transport = transport;
    this.status.set(this.status.status, factory.name);
    return transport;
  }

  private closeTransport(): void {
    this.generation++;
    this.transport?.close();
    this.transport = undefined;
  }

  private handshake(): void {
    if (this.stopped) return;
    const factory = this.choice.pick();
    if (!factory) return this.stop(new KuiperClientError('no_transport', 'no usable transport for this environment'));
    this.dispatch('handshake');
    const transport = this.useTransport(factory);
    const generation = this.generation;
    this.clientIdValue = undefined;
    const ext = this.ackState.handshakeExt(this.config.handshakeExt?.());
    const message: Message = {
      channel: META.handshake,
      id: this.newId(),
      version: BAYEUX_VERSION,
      minimumVersion: BAYEUX_VERSION,
      supportedConnectionTypes: this.config.transports.map((t) => t.name),
      advice: { timeout: 60_000, interval: 0 },
      ...(ext ? { ext } : {}),
    };
    this.log.debug(`handshake over ${transport.name}`);
    this.exchange(transport, message, false, this.config.requestTimeout).then(
      (reply) => generation === this.generation && !this.stopped && this.onHandshakeReply(reply),
      (error: unknown) => generation === this.generation && !this.stopped && this.recover(error, 'handshake'),
    );
  }

  private onHandshakeReply(reply: Message): void {
    if (!reply.successful) {
      // [CLI-17] A refusal comes again: stop rather than loop. Its engine (Redis) failing is no refusal.
      if (isBayeuxError(reply.error, 'engine_unavailable')) return this.schedule('handshake', this.retryDelay(), reply.error as string);
      const reason = reply.error ?? 'no reason given';
      return this.stop(new KuiperClientError('handshake_denied', `handshake refused by the server: ${reason}`, { bayeuxError: reply.error }));
    }
    if (typeof reply.clientId !== 'string' || reply.clientId === '') {
      return this.recover(new Error('handshake reply without clientId'), 'handshake');
    }
    this.clientIdValue = reply.clientId;
    this.ackState.onHandshake(reply);
    this.choice.offered(reply.supportedConnectionTypes);
    this.updateAdvice(reply.advice);
    this.dispatch('handshook');
    const factory = this.choice.pick();
    if (!factory) {
      const offered = (reply.supportedConnectionTypes ?? []).join(', ');
      const ours = this.config.transports.map((t) => t.name).join(', ');
      return this.stop(new KuiperClientError('no_transport', `no common transport: server offers [${offered}], client has [${ours}]`));
    }
    this.useTransport(factory);
    // [CLI-39] What waited goes now, then the connect: both in one round trip, as CometD's client does.
    const generation = this.generation;
    try {
      this.hooks.onHandshook?.();
    } catch (error) {
      this.hooks.onInternalError(error);
    }
    if (generation !== this.generation || this.stopped) return;
    this.connect(true);
  }

  private connect(first: boolean): void {
    if (this.stopped) return;
    // [CLI-36] This connect acknowledges the last batch taken: not before it may be.
    const wait = this.ackGate.pending;
    if (wait) {
      const generation = this.generation;
      wait.then(() => generation === this.generation && !this.stopped && this.connect(first));
      return;
    }
    const transport = this.transport;
    if (!transport || this.clientIdValue === undefined) return this.handshake();
    if (first) this.dispatch('connect');
    const generation = this.generation;
    const message: Message = {
      channel: META.connect,
      id: this.newId(),
      clientId: this.clientIdValue,
      connectionType: transport.name,
      // timeout:0 asks for an immediate answer: the first connect confirms the session is live.
      ...(first ? { advice: { timeout: 0 } } : {}),
    };
    const ackExt = this.ackState.connectExt();
    if (ackExt) message.ext = ackExt;
    const held = first ? 0 : (this.advice.timeout ?? DEFAULT_CONNECT_TIMEOUT);
    this.connectSettled = false;
    const { reply, sent } = this.exchangeWithSend(transport, message, true, held + this.config.requestTimeout);
    reply.then(
      (r) => generation === this.generation && !this.stopped && this.onConnectReply(r, first, sent),
      (error: unknown) => generation === this.generation && !this.stopped && this.recover(error, 'connect'),
    );
  }

  /**
   * A stream's closing connect reply (its first one was matched by id). A refusal is followed
   * like any other; a success just ends this stream, and the next connect goes when it closes.
   */
  private onStreamFinalReply(reply: Message): void {
    this.updateAdvice(reply.advice);
    if (!reply.successful && !this.connectSettled) this.followAdvice(reply);
  }

  private onConnectReply(reply: Message, first: boolean, sent: Promise<void>): void {
    this.updateAdvice(reply.advice);
    const name = this.transport?.name;
    if (!reply.successful) return this.followAdvice(reply);
    const streaming = this.transport?.streaming === true;
    // A stream answering an immediate (timeout:0) connect proves little: a buffering proxy passes
    // short responses. It counts once a held stream has opened.
    if (name && !(streaming && first)) this.choice.worked(name);
    const before = this.dispatch('connected');
    this.status.set('connected', name);
    if (before.phase !== 'connected') {
      this.hooks.onConnected({ resync: before.handshook, resumed: !before.handshook });
    }
    if (this.advice.reconnect === 'none') {
      return this.stop(new KuiperClientError('stopped', 'the server advised reconnect "none"'));
    }
    if (streaming) {
      const generation = this.generation;
      sent.then(
        () => generation === this.generation && !this.stopped && !this.connectSettled && this.nextConnect(),
        (error: unknown) => generation === this.generation && !this.stopped && !this.connectSettled && this.recover(error, 'connect'),
      );
      return;
    }
    this.nextConnect();
  }

  private nextConnect(): void {
    // Networks change: give the transports we fell back from another chance. If the preferred
    // one fails again it is left at once (CLI-13) and the next upgrade waits a full interval.
    if (this.choice.upgradeDue(this.pending.size === 0)) {
      const best = this.choice.pick();
      if (best && best.name !== this.transport?.name) {
        this.log.info(`trying to upgrade to ${best.name}`);
        // The old transport closes now, so until the new one answers the client is not connected:
        // publishes wait in the queue instead of failing with the attempt.
        this.status.set('reconnecting', best.name);
        this.useTransport(best);
        return this.connect(true);
      }
    }
    const interval = this.advice.interval ?? 0;
    if (interval > 0) this.timer = setTimeout(() => this.connect(false), interval);
    else this.connect(false);
  }

  /** An unsuccessful /meta/connect: the server is up and says what to do in `advice`. */
  private followAdvice(reply: Message): void {
    this.connectSettled = true;
    const reconnect = reply.advice?.reconnect ?? this.advice.reconnect ?? 'retry';
    const reason = reply.error ?? 'unsuccessful /meta/connect';
    this.log.info(`connect refused (${reason}); advice ${reconnect}`);
    if (reconnect === 'none') {
      return this.stop(new KuiperClientError('stopped', `the server advised reconnect "none": ${reason}`, { bayeuxError: reply.error }));
    }
    if (reconnect === 'handshake') {
      this.clientIdValue = undefined;
      // The server answered, so it is up: the first re-handshake waits only the advised interval.
      const delay = this.machine.attempt === 0 ? (this.advice.interval ?? 0) : this.retryDelay();
      return this.schedule('handshake', delay, reason);
    }
    this.schedule('connect', this.retryDelay(), reason);
  }

  /** The transport failed or a reply timed out: fall back, or wait and try again. */
  private recover(error: unknown, action: 'handshake' | 'connect'): void {
    this.connectSettled = true;
    const name = this.transport?.name;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.info(`${action} over ${name ?? '?'} failed: ${reason}`);
    this.closeTransport();
    this.pending.failAll(new KuiperClientError('connection_lost', `connection lost: ${reason}`, { cause: error }));
    // Not connected until a connect succeeds again, even when falling back at once: publishes
    // made meanwhile wait in the queue instead of racing the new transport's first connect.
    this.status.set(this.machine.everConnected ? 'reconnecting' : 'connecting', name);
    // A transport that worked just before gets one plain retry: servers restart, networks blip.
    const fellOff = name !== undefined && this.choice.fail(name);
    const next = this.choice.pick();
    if (next && name && fellOff) {
      this.log.info(`falling back from ${name} to ${next.name}`);
      this.useTransport(next);
      return action === 'connect' && this.clientIdValue !== undefined ? this.connect(true) : this.handshake();
    }
    if (!next) this.choice.startOver();
    this.schedule(action, this.retryDelay(), reason);
  }

  /** max(advice.interval, backoffDelay(attempt)); each call counts one more consecutive failure. */
  private retryDelay(): number {
    return Math.max(this.advice.interval ?? 0, backoffDelay(this.machine.attempt, this.config.backoff));
  }

  private schedule(action: 'handshake' | 'connect', delayMs: number, reason: string): void {
    const retry: RetryInfo = { attempt: this.machine.attempt, delayMs, action, reason };
    this.dispatch('wait');
    this.status.set(this.machine.everConnected ? 'reconnecting' : 'connecting', this.transport?.name ?? this.choice.pick()?.name, { retry });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (action === 'connect' && this.clientIdValue !== undefined) {
        const factory = this.choice.pick();
        if (factory) this.useTransport(factory);
        this.connect(true);
      } else {
        this.handshake();
      }
    }, delayMs);
  }

  private updateAdvice(advice: Advice | undefined): void {
    if (advice) this.advice = { ...this.advice, ...advice };
  }

  private stop(error: KuiperClientError): void {
    if (this.stopped) return;
    this.log.warn(error.message);
    this.dispatch('stop');
    clearTimeout(this.timer);
    this.closeTransport();
    this.pending.failAll(error);
    this.clientIdValue = undefined;
    // The client records the error before listeners hear of the status change.
    this.hooks.onStopped(error);
    this.status.set('disconnected', undefined, { error });
  }
}
