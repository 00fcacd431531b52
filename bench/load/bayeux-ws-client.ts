// A deliberately small Bayeux-over-WebSocket client for the load generator: handshake, subscribe,
// keep one /meta/connect outstanding, publish pre-built strings. Delivery frames are handed to the
// caller as raw Buffers (see scan-deliveries.ts); only frames with meta replies are JSON-parsed.
import type { Message } from '@kuiper/protocol';
import WebSocket from 'ws';
import { hasFailure, hasMeta } from './scan-deliveries.ts';

/** A reply as parsed off the socket: nothing checked it, so even `channel` may be missing. */
type Reply = Partial<Message>;

export interface ClientEvents {
  /** Called with every incoming frame (deliveries are counted by the caller). */
  onFrame(buf: Buffer): void;
  onError(message: string): void;
}

export function wsUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

export class BayeuxWsClient {
  clientId = '';
  private ws: WebSocket | undefined;
  private nextId = 0;
  private readonly pending = new Map<string, (reply: Reply) => void>();
  private connecting = false;
  /** In ack mode (the ack extension, as @kuiper/client and cometd's AckExtension use it): the last batch received. */
  private batch: number | undefined;

  constructor(
    private readonly url: string,
    private readonly events: ClientEvents,
    /** Ask for the ack extension: deliveries come in numbered batches with connect replies, each acknowledged by the next connect. */
    private readonly ack = false,
  ) {}

  /** Opens the socket, handshakes, subscribes, and starts the connect loop. */
  async start(subscriptions: string[]): Promise<void> {
    const ws = new WebSocket(wsUrl(this.url), { perMessageDeflate: false, skipUTF8Validation: true });
    this.ws = ws;
    ws.on('message', (data: Buffer) => this.onMessage(data));
    ws.on('error', (err) => this.events.onError(`ws: ${err.message}`));
    ws.on('close', () => this.rejectAll());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const hs = await this.request({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['websocket', 'long-polling'], ...(this.ack ? { ext: { ack: true } } : {}) });
    if (!hs.successful || !hs.clientId) throw new Error(`handshake failed: ${JSON.stringify(hs)}`);
    if (this.ack && hs.ext?.['ack'] !== true) throw new Error('the server does not offer the ack extension');
    this.clientId = hs.clientId;
    if (subscriptions.length > 0) {
      const sub = await this.request({ channel: '/meta/subscribe', clientId: this.clientId, subscription: subscriptions.length === 1 ? subscriptions[0] : subscriptions });
      if (!sub.successful) throw new Error(`subscribe failed: ${JSON.stringify(sub)}`);
    }
    // The first connect asks for an immediate answer (as both real clients do); after that one
    // connect is always held by the server and renewed when it returns.
    const first = await this.request({ channel: '/meta/connect', clientId: this.clientId, connectionType: 'websocket', advice: { timeout: 0 } });
    if (!first.successful) throw new Error(`connect failed: ${JSON.stringify(first)}`);
    this.noteBatch(first);
    this.connecting = true;
    this.sendConnect();
  }

  /** Sends a pre-serialised publish; `dataJson` is already JSON. */
  publish(channel: string, dataJson: string): void {
    const id = String(++this.nextId);
    this.ws?.send(`[{"channel":"${channel}","data":${dataJson},"clientId":"${this.clientId}","id":"${id}"}]`);
  }

  /** Bytes queued in the socket but not yet written: the publisher backs off when this grows. */
  get buffered(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  close(): void {
    this.connecting = false;
    this.ws?.terminate();
  }

  private request(message: Record<string, unknown>): Promise<Reply> {
    const id = String(++this.nextId);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no reply to ${String(message.channel)} within 20 s`));
      }, 20_000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.ws?.send(JSON.stringify([{ ...message, id }]));
    });
  }

  private sendConnect(): void {
    const id = String(++this.nextId);
    const ext = this.batch === undefined ? '' : `,"ext":{"ack":${this.batch}}`;
    this.ws?.send(`[{"channel":"/meta/connect","clientId":"${this.clientId}","connectionType":"websocket","id":"${id}"${ext}}]`);
  }

  /** A connect reply in ack mode names its batch: the next connect acknowledges it. */
  private noteBatch(reply: Reply): void {
    const n = reply.ext?.['ack'];
    if (this.ack && typeof n === 'number') this.batch = n;
  }

  private onMessage(buf: Buffer): void {
    this.events.onFrame(buf);
    if (!hasMeta(buf) && !hasFailure(buf)) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString());
    } catch {
      this.events.onError('unparsable frame');
      return;
    }
    for (const m of (Array.isArray(parsed) ? parsed : [parsed]) as Reply[]) {
      if (m.successful === false) this.events.onError(`${m.channel ?? '?'}: ${m.error ?? 'unsuccessful'}`);
      const id = m.id === undefined ? undefined : String(m.id);
      const waiter = id === undefined ? undefined : this.pending.get(id);
      if (waiter && id !== undefined) {
        this.pending.delete(id);
        waiter(m);
      } else if (m.channel === '/meta/connect' && this.connecting) {
        this.noteBatch(m);
        if (m.successful) this.sendConnect();
        else this.connecting = false; // session lost: the benchmark does not re-handshake, it reports the error
      }
    }
  }

  private rejectAll(): void {
    for (const waiter of this.pending.values()) waiter({ successful: false, error: 'socket closed' });
    this.pending.clear();
  }
}
