/**
 * The leader tab's hub: the one real client of the shared connection. It subscribes once per
 * pattern that any tab wants, broadcasts each delivery with its pattern, runs publishes and calls
 * for the tabs, and mirrors the connection status to them.
 */
import { createClient, type ClientOptions, type KuiperClient, type Subscription } from '../client.js';
import { toWireError, type BusChannel, type BusConstructor, type FromLeader, type ToLeader } from './protocol.js';

export class LeaderHub {
  private readonly client: KuiperClient;
  private readonly bus: BusChannel;
  private readonly subscriptions = new Map<string, { tabs: Set<string>; handle: Subscription }>();

  constructor(url: string, options: ClientOptions, Bus: BusConstructor, name: string, private readonly tab: string) {
    this.bus = new Bus(name);
    this.client = createClient(url, options);
    this.bus.onmessage = (event) => this.handle(event.data as ToLeader);
    this.client.onStatus(() => this.post({ kind: 'status', ...this.state() }));
    // Tell every tab there is a (new) leader: they send it their subscriptions and open requests.
    this.post({ kind: 'leader', ...this.state() });
  }

  async close(): Promise<void> {
    this.bus.onmessage = null;
    await this.client.disconnect();
    this.bus.close();
  }

  private state() {
    const error = this.client.error;
    return {
      leader: this.tab,
      status: this.client.status,
      transport: this.client.transport,
      clientId: this.client.clientId,
      error: error ? toWireError(error) : undefined,
    };
  }

  private post(message: FromLeader): void {
    this.bus.postMessage(message);
  }

  private handle(message: ToLeader): void {
    switch (message.kind) {
      case 'hello':
        return this.post({ kind: 'leader', ...this.state() });
      case 'subscribe':
        return this.subscribe(message.tab, message.pattern);
      case 'unsubscribe':
        return this.unsubscribe(message.tab, message.pattern);
      case 'bye':
        for (const pattern of [...this.subscriptions.keys()]) this.unsubscribe(message.tab, pattern);
        return;
      case 'requests':
        return this.client.batch(() => {
          for (const request of message.requests) {
            const run =
              request.op === 'publish'
                ? this.client.publish(request.channel, request.data)
                : this.client.call(request.channel, request.data, request.timeout === undefined ? {} : { timeout: request.timeout });
            run.then(
              (value) => this.post({ kind: 'reply', tab: message.tab, id: request.id, value }),
              (error: unknown) => this.post({ kind: 'reply', tab: message.tab, id: request.id, error: toWireError(error) }),
            );
          }
        });
    }
  }

  private subscribe(tab: string, pattern: string): void {
    let entry = this.subscriptions.get(pattern);
    if (!entry) {
      try {
        const handle = this.client.subscribe(pattern, (data, message) => this.post({ kind: 'deliver', pattern, data, message }));
        entry = { tabs: new Set(), handle };
        this.subscriptions.set(pattern, entry);
      } catch (error) {
        return this.post({ kind: 'subscribed', tab, pattern, error: toWireError(error) });
      }
    }
    entry.tabs.add(tab);
    const current = entry;
    current.handle.ready.then(
      () => this.post({ kind: 'subscribed', tab, pattern }),
      (error: unknown) => {
        if (this.subscriptions.get(pattern) === current) this.subscriptions.delete(pattern);
        this.post({ kind: 'subscribed', tab, pattern, error: toWireError(error) });
      },
    );
  }

  private unsubscribe(tab: string, pattern: string): void {
    const entry = this.subscriptions.get(pattern);
    if (!entry || !entry.tabs.delete(tab) || entry.tabs.size > 0) return;
    this.subscriptions.delete(pattern);
    entry.handle.unsubscribe();
  }
}
