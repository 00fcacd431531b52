/**
 * A tab's session source for a shared connection: the tab's KuiperClient (built by the same
 * createClientOver as any other) runs over it, and it forwards every request to the leader tab's
 * hub over the BroadcastChannel and hands the hub's deliveries, replies and status to the client.
 * Every tab, the leader's included, talks to the hub this way.
 *
 * A request the leader had not answered when it went is rejected with `connection_lost`, never
 * sent again (CLI-36); deliveries go through the tab's DeliveryView, so none is lost or repeated.
 */
import type { Message } from '@kuiper/protocol';
import { KuiperClientError } from '../errors.js';
import { Outbox } from '../outbox.js';
import { PendingReplies } from '../pending-replies.js';
import type { SessionHooks, SessionSource } from '../session-source.js';
import { StatusStore } from '../status.js';
import { DeliveryView } from './delivery-view.js';
import { fromWireError, type BusChannel, type BusMessage, type FromLeader, type TabRequest, type ToLeader, type WireStatus } from './protocol.js';

/** The hub answers (or times out) first; the tab's own timer only covers a leader that went. */
const REPLY_SLACK_MS = 1_000;

export class TabSession implements SessionSource {
  readonly status: StatusStore;
  readonly view = new DeliveryView();
  private leader: string | undefined;
  private clientIdValue: string | undefined;
  private stopped = false;
  private everConnected = false;
  /** The hub we follow has not had our subscriptions yet. */
  private resyncDue = true;
  private readonly pending = new PendingReplies();
  private readonly outbox = new Outbox<TabRequest>((requests) => this.post({ kind: 'requests', tab: this.tab, requests }));
  private counter = 0;
  private readonly barriers = new Map<string, () => void>();

  constructor(
    private readonly bus: BusChannel,
    readonly tab: string,
    private readonly hooks: SessionHooks,
    private readonly requestTimeout: number,
    /** Gives up leadership (or the wait for it) when the tab disconnects. */
    private readonly leave: () => Promise<void>,
  ) {
    this.status = new StatusStore((error) => hooks.onInternalError(error));
    bus.onmessage = (event) => this.handle(event.data as BusMessage);
  }

  get clientId(): string | undefined {
    return this.clientIdValue;
  }

  get connected(): boolean {
    return this.status.status === 'connected';
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.post({ kind: 'hello', tab: this.tab });
  }

  newId(): string {
    return `${this.tab}:${++this.counter}`;
  }

  request(message: Message, timeoutMs = this.requestTimeout): Promise<Message> {
    if (this.stopped || this.leader === undefined || !this.connected) {
      return Promise.reject(new KuiperClientError('connection_lost', `cannot send ${message.channel}: not connected`));
    }
    const id = message.id === undefined ? this.newId() : String(message.id);
    const reply = this.pending.wait(id, message.channel, timeoutMs + REPLY_SLACK_MS);
    this.outbox.push({ id, message: { ...message, id }, timeout: timeoutMs });
    return reply;
  }

  batch(fn: () => void): void {
    this.outbox.batch(fn);
  }

  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.post({ kind: 'bye', tab: this.tab });
    this.pending.failAll(new KuiperClientError('disconnected', 'the client was disconnected'));
    await this.leave();
    this.clientIdValue = undefined;
    this.status.set('disconnected', undefined);
  }

  /**
   * Resolves once this tab has handled every bus message that reached it before `post` (a message
   * of its own sent on another channel object goes behind them): a new leader first takes in what
   * the old one broadcast, so it resumes from the newest batch.
   */
  barrier(post: (message: ToLeader) => void): Promise<void> {
    const nonce = this.newId();
    return new Promise((resolve) => {
      this.barriers.set(nonce, resolve);
      post({ kind: 'sync', nonce });
    });
  }

  private post(message: ToLeader): void {
    if (message.kind !== 'hello' && message.kind !== 'bye' && this.stopped) return;
    this.bus.postMessage(message);
  }

  private handle(message: BusMessage): void {
    if (this.stopped) return;
    if (message.kind === 'sync') {
      this.barriers.get(message.nonce)?.();
      this.barriers.delete(message.nonce);
      return;
    }
    if (message.kind === 'hello' || message.kind === 'requests' || message.kind === 'bye') return;
    // A late broadcast of a leader that has gone still counts: the view drops what was taken.
    if (message.kind === 'batch') return this.deliver(message);
    if (message.kind === 'leader') return this.follow(message);
    if (message.leader !== this.leader) return; // the old leader's last words
    switch (message.kind) {
      case 'status':
        return this.applyStatus(message.state);
      case 'connected':
        return this.connectedTo(message.clientId, message.lastBatch, message.resync, message.resumed);
      case 'stopped': {
        const error = fromWireError(message.error);
        this.stopped = true;
        this.clientIdValue = undefined;
        this.pending.failAll(error);
        this.hooks.onStopped(error);
        this.status.set('disconnected', undefined, { error });
        return;
      }
      case 'resign':
        // Requests made from now on wait in the client's queue (CLI-19) for the next leader.
        this.leader = undefined;
        this.pending.failAll(new KuiperClientError('connection_lost', 'the leader tab went before answering'));
        if (this.connected) this.status.set('reconnecting', this.status.transport);
        return;
      case 'reply':
        if (message.tab !== this.tab) return;
        if (message.error) this.pending.fail(message.id, fromWireError(message.error));
        else if (message.reply) this.pending.settle({ ...message.reply, id: message.id });
        return;
    }
  }

  private follow(message: Extract<FromLeader, { kind: 'leader' }>): void {
    if (message.leader === this.leader) return;
    // Whether the old leader sent these is unknown: at most once, as for a dropped connection (CLI-19).
    this.pending.failAll(new KuiperClientError('connection_lost', 'the leader tab went before answering'));
    this.leader = message.leader;
    this.resyncDue = true;
    this.post({ kind: 'hello', tab: this.tab });
    const { clientId, state } = message;
    if (state.status === 'connected' && clientId !== undefined) {
      this.connectedTo(clientId, message.lastBatch, true, clientId === this.clientIdValue, state.transport);
    } else {
      this.applyStatus(state);
    }
  }

  private applyStatus(state: WireStatus): void {
    // Connected is announced by `connected`, after the hub's session is ready for requests; a
    // leader that stops (or hands over) says `stopped` or is followed by the next one.
    if (state.status === 'disconnected') return;
    if (state.status === 'connected') {
      if (this.connected) this.status.set('connected', state.transport);
      return;
    }
    const status = this.everConnected ? 'reconnecting' : state.status;
    this.status.set(status, state.transport, state.retry ? { retry: state.retry } : {});
  }

  private connectedTo(clientId: string, lastBatch: number | undefined, resync: boolean, resumed: boolean, transport = this.status.transport): void {
    this.clientIdValue = clientId;
    this.view.seed(clientId, lastBatch);
    const sync = resync || this.resyncDue;
    this.resyncDue = false;
    this.everConnected = true;
    this.status.set('connected', transport);
    this.hooks.onConnected({ resync: sync, resumed });
  }

  private deliver(message: Extract<FromLeader, { kind: 'batch' }>): void {
    const fresh = this.view.accept(message.clientId, message.position, message.messages);
    if (fresh.length > 0) this.hooks.onMessages(fresh, message.position);
  }
}
