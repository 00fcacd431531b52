/**
 * A deterministic in-memory network between the real client's HTTP transports (they take an
 * injected `fetch`) and a real Kuiper server's web-standard entry (`server.fetch`). Nothing moves
 * on its own: a request waits until the test delivers it to the server, and the server's answer
 * waits "on the wire" until the test delivers it to the client — or drops it, delivers another
 * first, or cuts a connection the server is holding. `idle()` lets everything already set in
 * motion finish, so each step of a test sees a settled state.
 */

/** Node's own setImmediate, taken before a test fakes timers: `idle()` needs real turns. */
const realSetImmediate = globalThis.setImmediate;

export type ExchangeStage = 'queued' | 'at-server' | 'answered';

/** One HTTP request/response, from the client's send until the client is told the outcome. */
export interface WireExchange {
  /** Sequence number in send order, for logs. */
  readonly n: number;
  readonly body: string;
  stage: ExchangeStage;
}

interface LiveExchange extends WireExchange {
  readonly url: string;
  readonly init: RequestInit;
  /** The server's side of the connection: aborting it is the client going away (CONN-6). */
  readonly toServer: AbortController;
  answer?: { status: number; headers: Headers; body: string };
  resolve(response: Response): void;
  reject(error: unknown): void;
}

/** What the network needs of a server: its web-standard entry. */
export interface FetchHandler {
  fetch(request: Request): Promise<Response>;
}

export class LoopbackNetwork {
  private readonly live: LiveExchange[] = [];
  private sent = 0;
  /** Bumped on every change of state, so `idle()` can tell when nothing moves any more. */
  private version = 0;
  /** What happened, in order; printed by a failing property to explain its counterexample. */
  readonly log: string[] = [];

  constructor(private readonly server: FetchHandler) {}

  /** The `fetch` to give the client (`createClient(url, { fetch: network.fetch })`). */
  readonly fetch = (input: string, init: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const exchange: LiveExchange = {
        n: ++this.sent,
        url: input,
        init,
        body: typeof init.body === 'string' ? init.body : '',
        stage: 'queued',
        toServer: new AbortController(),
        resolve,
        reject,
      };
      // The client gave up (its timeout, or its transport closed): the connection closes.
      init.signal?.addEventListener('abort', () => this.end(exchange, 'client aborted', init.signal?.reason), { once: true });
      this.live.push(exchange);
      this.note(`#${exchange.n} sent ${exchange.body}`);
    });

  /** Exchanges in send order, optionally only those at one stage. */
  exchanges(stage?: ExchangeStage): readonly WireExchange[] {
    return this.live.filter((e) => stage === undefined || e.stage === stage);
  }

  /** A queued request reaches the server. */
  deliverRequest(exchange: WireExchange): void {
    const e = this.find(exchange, 'queued');
    e.stage = 'at-server';
    this.note(`#${e.n} at server`);
    const request = new Request(e.url, {
      method: e.init.method ?? 'POST',
      headers: e.init.headers ?? {},
      body: e.body,
      signal: e.toServer.signal,
    });
    this.server.fetch(request).then(
      async (response) => {
        const body = await response.text();
        if (!this.live.includes(e)) return; // cut meanwhile: the answer has nowhere to go
        e.answer = { status: response.status, headers: response.headers, body };
        e.stage = 'answered';
        this.note(`#${e.n} answered ${response.status} ${body}`);
      },
      (error: unknown) => this.end(e, 'server failed', error),
    );
  }

  /** An answer on the wire reaches the client. */
  deliverResponse(exchange: WireExchange): void {
    const e = this.find(exchange, 'answered');
    const answer = e.answer!;
    this.remove(e);
    this.note(`#${e.n} delivered`);
    e.resolve(new Response(answer.body, { status: answer.status, headers: answer.headers }));
  }

  /** A queued request is lost before the server sees it (connection refused or reset). */
  dropRequest(exchange: WireExchange): void {
    this.end(this.find(exchange, 'queued'), 'request lost');
  }

  /** An answer is lost after the server sent it: the server did the work, the client never learns. */
  dropResponse(exchange: WireExchange): void {
    this.end(this.find(exchange, 'answered'), 'response lost');
  }

  /** A connection the server is holding (a held /meta/connect) breaks: both sides see it go. */
  cut(exchange: WireExchange): void {
    this.end(this.find(exchange, 'at-server'), 'connection cut');
  }

  /** Delivers every queued request and every answer, in order, until none is left moving. */
  async flush(): Promise<void> {
    for (;;) {
      await this.idle();
      const next = this.live.find((e) => e.stage === 'queued' || e.stage === 'answered');
      if (!next) return;
      if (next.stage === 'queued') this.deliverRequest(next);
      else this.deliverResponse(next);
    }
  }

  /**
   * Lets what is in motion finish: real event-loop turns until several pass with no change.
   * Fake timers do not move here; a test moves time itself.
   */
  async idle(): Promise<void> {
    let quiet = 0;
    for (let turns = 0; turns < 1000 && quiet < 5; turns++) {
      const before = this.version;
      await new Promise<void>((resolve) => realSetImmediate(resolve));
      quiet = this.version === before ? quiet + 1 : 0;
    }
  }

  private find(exchange: WireExchange, stage: ExchangeStage): LiveExchange {
    const e = this.live.find((l) => l === exchange);
    if (!e || e.stage !== stage) throw new Error(`exchange #${exchange.n} is not ${stage}`);
    return e;
  }

  private end(e: LiveExchange, why: string, reason?: unknown): void {
    if (!this.live.includes(e)) return;
    this.remove(e);
    e.toServer.abort();
    this.note(`#${e.n} ${why}`);
    e.reject(reason instanceof Error ? reason : new TypeError(`fetch failed: ${why}`));
  }

  private remove(e: LiveExchange): void {
    this.live.splice(this.live.indexOf(e), 1);
    this.version++;
  }

  private note(line: string): void {
    this.version++;
    this.log.push(line);
  }
}
