// A minimal Bayeux long-polling client: every request is a POST of a JSON array over a keep-alive
// agent; one /meta/connect is kept outstanding and re-issued as soon as it returns (interval 0).
// Response bodies go to the caller as raw Buffers, like the WebSocket client's frames.
import http from 'node:http';
import type { Message } from '@kuiper/protocol';
import { hasFailure } from './scan-deliveries.ts';
import type { ClientEvents } from './bayeux-ws-client.ts';

// Two sockets per client at most (held connect + one other), as the protocol allows.
const agent = new http.Agent({ keepAlive: true, maxSockets: 100_000 });

/** A reply as parsed off the response: nothing checked it, so even `channel` may be missing. */
type Reply = Partial<Message>;

export class LongPollClient {
  clientId = '';
  private running = false;
  private nextId = 0;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly events: ClientEvents,
  ) {
    this.target = new URL(url);
  }

  async start(subscription: string): Promise<void> {
    const hs = this.first(await this.post(JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: this.id() }])));
    if (!hs?.successful || !hs.clientId) throw new Error(`handshake failed: ${JSON.stringify(hs)}`);
    this.clientId = hs.clientId;
    const sub = this.first(await this.post(JSON.stringify([{ channel: '/meta/subscribe', clientId: this.clientId, subscription, id: this.id() }])));
    if (!sub?.successful) throw new Error(`subscribe failed: ${JSON.stringify(sub)}`);
    const conn = this.first(await this.post(JSON.stringify([{ channel: '/meta/connect', clientId: this.clientId, connectionType: 'long-polling', advice: { timeout: 0 }, id: this.id() }])));
    if (!conn?.successful) throw new Error(`connect failed: ${JSON.stringify(conn)}`);
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let body: Buffer;
      try {
        body = await this.post(`[{"channel":"/meta/connect","clientId":"${this.clientId}","connectionType":"long-polling","id":"${this.id()}"}]`);
        failures = 0;
      } catch (err) {
        // A keep-alive socket the server closed, or a reset: connect again as a real client
        // would (its session is still there); give up only when it keeps failing.
        this.events.onError(`long-poll: ${(err as Error).message}`);
        if (++failures >= 5) return;
        await new Promise((resolve) => setTimeout(resolve, 100 * failures));
        continue;
      }
      this.events.onFrame(body);
      if (hasFailure(body)) {
        this.events.onError(`long-poll connect failed: ${body.toString().slice(0, 200)}`);
        return;
      }
    }
  }

  private id(): string {
    return String(++this.nextId);
  }

  private first(body: Buffer): Reply | undefined {
    const parsed = JSON.parse(body.toString()) as unknown;
    return (Array.isArray(parsed) ? parsed[0] : parsed) as Reply | undefined;
  }

  private post(body: string): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode ?? '?'}`));
            else resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
