/**
 * The leader tab's hub: the one real Bayeux session of a shared connection (CLI-29). It runs the
 * tabs' requests on that session, keeps one server subscription per pattern however many tabs want
 * it, broadcasts each response's deliveries (with their ack position, CLI-36) and mirrors the
 * session's status. It knows nothing of handlers: each tab's own client matches deliveries.
 */
import { META, type Message } from '@kuiper/protocol';
import { createLogger, type Logger } from '../logger.js';
import { sessionConfig, type ClientOptions } from '../options.js';
import { Session } from '../session.js';
import { toWireError, type BusChannel, type BusConstructor, type FromLeader, type TabRequest, type ToLeader } from './protocol.js';

/** A pattern some tabs want, and the server's answer to its subscribe (undefined: not sent). */
interface SharedPattern {
  readonly tabs: Set<string>;
  reply: Promise<Message> | undefined;
}

type Outgoing = FromLeader extends infer M ? (M extends { leader: string } ? Omit<M, 'leader'> : never) : never;

export class LeaderHub {
  private readonly session: Session;
  private readonly bus: BusChannel;
  private readonly log: Logger;
  private readonly patterns = new Map<string, SharedPattern>();
  /** Tabs known to be open; a leader that leaves while others remain hands its session over. */
  private readonly tabs = new Set<string>();
  /**
   * [CLI-36] A second channel object on the bus, hearing this hub's own broadcasts come back: a
   * batch is acknowledged to the server only once its broadcast has gone through the bus, so a tab
   * that takes over later has handled it first (its barrier) or the server still has it.
   */
  private readonly echo: BusChannel;
  /** Batches broadcast and not yet heard back, oldest first: their number and who waits. */
  private readonly echoes: { batch: number; heard: () => void }[] = [];
  private closed = false;

  constructor(
    url: string,
    options: ClientOptions,
    Bus: BusConstructor,
    name: string,
    private readonly tab: string,
    resume: { clientId: string; ack: number | undefined } | undefined,
  ) {
    this.log = createLogger('kuiper:client:hub', options.log, options.logSink);
    this.bus = new Bus(name);
    this.echo = new Bus(name);
    this.echo.onmessage = (event) => this.heard(event.data as FromLeader);
    this.session = new Session(
      { ...sessionConfig(url, options, this.log), resume },
      {
        onConnected: ({ resync, resumed }) => {
          // A new server session has none of the tabs' subscriptions; the tabs send them again.
          if (resync) this.patterns.clear();
          const clientId = this.session.clientId;
          if (clientId !== undefined) this.post({ kind: 'connected', clientId, lastBatch: this.session.lastBatch, resync, resumed });
        },
        onMessages: (messages, position) => this.post({ kind: 'batch', clientId: this.session.clientId, position, messages }),
        acknowledgeable: (position) => new Promise<void>((heard) => this.echoes.push({ batch: position.batch, heard })),
        onStopped: (error) => this.post({ kind: 'stopped', error: toWireError(error) }),
        onInternalError: (error) => this.log.warn(`internal error: ${String(error)}`),
      },
    );
    this.bus.onmessage = (event) => this.handle(event.data as ToLeader);
    this.session.status.subscribe(() => this.post({ kind: 'status', clientId: this.session.clientId, state: this.state() }));
    // Tell every tab there is a (new) leader: they say hello and send their subscriptions again.
    this.announce();
    this.session.start();
  }

  /** Leaves: hands the session over to the next leader when other tabs remain, else ends it. */
  async close(): Promise<void> {
    this.resign();
    this.bus.onmessage = null;
    const others = [...this.tabs].some((t) => t !== this.tab);
    if (others) this.session.detach();
    else await this.session.disconnect();
    // Requests the session failed on the way out settle later; nobody is listening for them now.
    this.closed = true;
    this.bus.close();
    this.echo.close();
  }

  /** [CLI-36] One of this hub's batches came back over the bus: it and those before it are out. */
  private heard(message: FromLeader): void {
    if (message.kind !== 'batch' || message.leader !== this.tab || !message.position) return;
    const { batch } = message.position;
    while (this.echoes.length > 0 && (this.echoes[0]?.batch ?? Infinity) <= batch) this.echoes.shift()?.heard();
  }

  /** Tells the tabs to hold their requests for the next leader rather than send them here. */
  resign(): void {
    this.post({ kind: 'resign' });
  }

  private state() {
    return { status: this.session.status.status, transport: this.session.status.transport };
  }

  private announce(): void {
    this.post({ kind: 'leader', clientId: this.session.clientId, lastBatch: this.session.lastBatch, state: this.state() });
  }

  private post(message: Outgoing): void {
    if (this.closed) return;
    this.bus.postMessage({ ...message, leader: this.tab });
  }

  private handle(message: ToLeader): void {
    switch (message.kind) {
      case 'hello':
        this.tabs.add(message.tab);
        return this.announce();
      case 'bye':
        this.tabs.delete(message.tab);
        for (const [pattern, entry] of this.patterns) {
          if (this.release(message.tab, pattern, entry) && entry.reply) {
            this.session.request({ channel: META.unsubscribe, subscription: pattern }).catch(() => {});
          }
        }
        return;
      case 'requests':
        this.tabs.add(message.tab);
        return this.session.batch(() => {
          for (const request of message.requests) this.run(message.tab, request);
        });
      case 'sync':
        return;
    }
  }

  private run(tab: string, { id, message, timeout }: TabRequest): void {
    const outcome =
      message.channel === META.subscribe
        ? this.subscribe(tab, message)
        : message.channel === META.unsubscribe
          ? this.unsubscribe(tab, message)
          : this.session.request(message, timeout);
    outcome.then(
      (reply) => this.post({ kind: 'reply', tab, id, reply }),
      (error: unknown) => this.post({ kind: 'reply', tab, id, error: toWireError(error) }),
    );
  }

  /** One server subscribe per pattern: later tabs share its answer. */
  private subscribe(tab: string, message: Message): Promise<Message> {
    const pattern = message.subscription;
    if (typeof pattern !== 'string') return this.session.request(message);
    let entry = this.patterns.get(pattern);
    if (!entry) this.patterns.set(pattern, (entry = { tabs: new Set(), reply: undefined }));
    entry.tabs.add(tab);
    const current = entry;
    if (!current.reply) {
      current.reply = this.session.request(message);
      current.reply.then(
        (reply) => {
          // Refused (or the session ended under it): the next tab's subscribe asks again.
          if (!reply.successful && this.patterns.get(pattern) === current) this.patterns.delete(pattern);
        },
        () => {
          if (this.patterns.get(pattern) === current) current.reply = undefined;
        },
      );
    }
    return current.reply;
  }

  /** The server unsubscribe goes with the pattern's last tab. */
  private unsubscribe(tab: string, message: Message): Promise<Message> {
    const pattern = message.subscription;
    const entry = typeof pattern === 'string' ? this.patterns.get(pattern) : undefined;
    if (entry && typeof pattern === 'string' && !this.release(tab, pattern, entry)) {
      return Promise.resolve({ channel: META.unsubscribe, successful: true, subscription: pattern });
    }
    return this.session.request(message);
  }

  /** Drops a tab from a pattern; true (and the pattern forgotten) when it was the last one. */
  private release(tab: string, pattern: string, entry: SharedPattern): boolean {
    if (!entry.tabs.delete(tab) || entry.tabs.size > 0) return false;
    this.patterns.delete(pattern);
    return true;
  }
}
