// A raw reader for the streaming transports: opens the GET with fetch, reads the body as it
// arrives and parses each transport's framing into batches, keep-alives and the end. No client library.
import { type WireMessage, msgId } from '@kuiper/testkit';

export type StreamingType = 'eventsource' | 'forever-frame' | 'multipart-mime';
export const STREAMING: readonly StreamingType[] = ['eventsource', 'forever-frame', 'multipart-mime'];

export interface StreamQuery {
  callback?: string;
  accept?: string;
}

/** The stream-opening connect (no advice: the stream is held for the server's timeout). */
export function streamConnect(clientId: string, transport: StreamingType): WireMessage {
  return { channel: '/meta/connect', clientId, connectionType: transport, id: msgId() };
}

export function streamUrl(url: string, transport: string, messages: unknown, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ transport, message: JSON.stringify(messages), ...extra });
  if (transport === 'forever-frame' && extra['callback'] === undefined) query.set('callback', 'kuiperCb');
  return `${url}?${query.toString()}`;
}

export class StreamReader {
  /** Batches in arrival order (keep-alives excluded). */
  readonly batches: WireMessage[][] = [];
  keepAlives = 0;
  /** The whole body so far, as text. */
  raw = '';
  /** The body ended (the server closed the stream). */
  ended = false;
  /** Bytes received before the first batch (forever-frame padding, multipart preamble). */
  prelude = '';
  private pending = '';
  private readonly controller = new AbortController();

  private constructor(
    readonly transport: StreamingType,
    readonly status: number,
    readonly headers: Headers,
    private readonly boundary: string | undefined,
  ) {}

  /** Opens a stream; resolves once the headers are in. The body is read in the background. */
  static async open(url: string, transport: StreamingType, connect: WireMessage, query: StreamQuery = {}): Promise<StreamReader> {
    const extra: Record<string, string> = {};
    if (query.callback !== undefined) extra['callback'] = query.callback;
    const headers: Record<string, string> = {};
    if (query.accept !== undefined) headers['accept'] = query.accept;
    const controller = new AbortController();
    const res = await fetch(streamUrl(url, transport, [connect], extra), { headers, signal: controller.signal });
    const boundary = /boundary=([^;\s]+)/.exec(res.headers.get('content-type') ?? '')?.[1];
    const reader = new StreamReader(transport, res.status, res.headers, boundary);
    reader.controller.signal.addEventListener('abort', () => controller.abort());
    void reader.pump(res);
    return reader;
  }

  get messages(): WireMessage[] {
    return this.batches.flat();
  }

  /** Deliveries (messages with data) on a channel, in order. */
  data(channel: string): unknown[] {
    return this.messages.filter((m) => m.channel === channel).map((m) => m.data);
  }

  connectReplies(): WireMessage[] {
    return this.messages.filter((m) => m.channel === '/meta/connect');
  }

  /** Goes away as a client does: the server sees the connection close. */
  abort(): void {
    this.controller.abort();
  }

  private async pump(res: Response): Promise<void> {
    if (!res.body) {
      this.ended = true;
      return;
    }
    const decoder = new TextDecoder();
    const body = res.body.getReader();
    try {
      for (;;) {
        const { value, done } = await body.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        this.raw += text;
        this.pending += text;
        this.parse();
      }
      this.ended = true;
    } catch {
      // Aborted by us, or the connection dropped: either way the stream is over for this reader.
    }
  }

  private parse(): void {
    if (this.transport === 'eventsource') return this.parseEventSource();
    if (this.transport === 'forever-frame') return this.parseForeverFrame();
    return this.parseMultipart();
  }

  private parseEventSource(): void {
    let end: number;
    while ((end = this.pending.indexOf('\n\n')) >= 0) {
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      if (event.startsWith(':')) this.keepAlives++;
      else if (event.startsWith('data: ')) this.batches.push(JSON.parse(event.slice(6)) as WireMessage[]);
      else throw new Error(`unexpected event ${JSON.stringify(event)}`);
    }
  }

  private parseForeverFrame(): void {
    // Escaped JSON cannot contain `</script>`, so the first one closes the call.
    const call = /<script>parent\.([\w$.]+)\(([\s\S]*?)\);<\/script>/;
    for (;;) {
      const keepAlive = this.pending.indexOf('<!-- -->');
      const match = call.exec(this.pending);
      if (keepAlive >= 0 && (!match || keepAlive < match.index)) {
        this.keepAlives++;
        this.pending = this.pending.slice(keepAlive + 8);
        continue;
      }
      if (!match) return;
      if (this.batches.length === 0) this.prelude = this.raw.slice(0, this.raw.indexOf('<script>'));
      this.batches.push(JSON.parse(match[2]!) as WireMessage[]);
      this.pending = this.pending.slice(match.index + match[0].length);
    }
  }

  private parseMultipart(): void {
    const delimiter = `--${this.boundary}`;
    if (this.batches.length === 0 && this.keepAlives === 0 && this.prelude === '') {
      if (!this.pending.startsWith(delimiter)) return;
      this.prelude = delimiter;
      this.pending = this.pending.slice(delimiter.length);
    }
    let end: number;
    // A part is `\r\nheaders\r\n\r\nbody` and is complete when the next `\r\n--boundary` arrives.
    while ((end = this.pending.indexOf(`\r\n${delimiter}`, 2)) >= 0) {
      const part = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2 + delimiter.length);
      const split = part.indexOf('\r\n\r\n');
      const head = part.slice(2, split);
      const body = part.slice(split + 4);
      if (!/^Content-Type: application\/json/im.test(head)) throw new Error(`unexpected part head ${head}`);
      const length = /Content-Length: (\d+)/i.exec(head)?.[1];
      if (Number(length) !== Buffer.byteLength(body)) throw new Error(`Content-Length ${length} for ${body}`);
      if (body === '[]') this.keepAlives++;
      else this.batches.push(JSON.parse(body) as WireMessage[]);
    }
  }
}
