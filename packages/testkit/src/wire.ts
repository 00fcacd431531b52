/**
 * Bayeux spoken raw over HTTP and WebSocket, with no client library: what the protocol tests use to
 * say exactly what goes on the wire and to read exactly what comes back.
 */
import type { Message, MessageId } from '@kuiper/protocol';
import { WebSocket } from 'ws';
import type { Cleanup } from './cleanup.js';
import { eventually } from './server.js';

/**
 * A Bayeux message as a test sends or reads it raw: the protocol's one Message, with every field
 * optional (tests send broken messages on purpose) and room for any other field a test looks at.
 */
export type WireMessage = Partial<Message> & { [key: string]: unknown };

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

async function toRaw(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POST an arbitrary body (string) to a URL. */
export async function rawPost(url: string, body: string, contentType = 'application/json;charset=UTF-8'): Promise<RawResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return toRaw(res);
}

export async function rawGet(url: string): Promise<RawResponse> {
  return toRaw(await fetch(url));
}

/** POST a batch of messages as long-polling does; expects HTTP 200 and a JSON array back. */
export async function bayeux(url: string, messages: unknown): Promise<WireMessage[]> {
  const res = await rawPost(url, JSON.stringify(messages));
  if (res.status !== 200) throw new Error(`expected HTTP 200 from ${url}, got ${res.status}: ${res.text}`);
  if (!Array.isArray(res.json)) throw new Error(`expected a JSON array from ${url}, got: ${res.text}`);
  return res.json as WireMessage[];
}

let nextId = 0;
export function msgId(): string {
  nextId += 1;
  return `t${nextId}`;
}

export function handshakeMessage(connectionTypes: string[] = ['long-polling']): WireMessage {
  return {
    channel: '/meta/handshake',
    version: '1.0',
    minimumVersion: '1.0',
    supportedConnectionTypes: connectionTypes,
    id: msgId(),
  };
}

/** Find the single reply with the given id; fails loudly otherwise. */
export function replyTo(replies: WireMessage[], id: MessageId | undefined): WireMessage {
  const matches = replies.filter((m) => m.id === id);
  if (matches.length !== 1) throw new Error(`expected one reply with id ${id}, got ${JSON.stringify(replies)}`);
  return matches[0]!;
}

/** POSTs one message (given a fresh id) and returns the reply to it. */
export async function exchange(url: string, message: WireMessage): Promise<WireMessage> {
  const sent = { ...message, id: msgId() };
  return replyTo(await bayeux(url, [sent]), sent.id);
}

/** A raw long-polling handshake carrying `ext` (if any); throws unless it succeeds. */
async function handshaken(url: string, ext?: Record<string, unknown>): Promise<WireMessage & { clientId: string }> {
  const hs = ext === undefined ? handshakeMessage() : { ...handshakeMessage(), ext };
  const reply = replyTo(await bayeux(url, [hs]), hs.id);
  if (reply.successful !== true || typeof reply.clientId !== 'string') {
    throw new Error(`handshake failed: ${JSON.stringify(reply)}`);
  }
  return reply as WireMessage & { clientId: string };
}

/** Raw long-polling handshake; returns the clientId. */
export async function rawHandshake(url: string): Promise<string> {
  return (await handshaken(url)).clientId;
}

/** A raw long-polling handshake asking for the ack extension (ACK-1); throws unless it is granted. */
export async function ackHandshake(url: string): Promise<string> {
  const reply = await handshaken(url, { ack: true });
  if ((reply.ext as { ack?: unknown } | undefined)?.ack !== true) throw new Error(`ack not granted: ${JSON.stringify(reply)}`);
  return reply.clientId;
}

/** A /meta/connect that the server must answer at once (first connect carries advice.timeout 0). */
export function immediateConnect(clientId: string, connectionType = 'long-polling'): WireMessage {
  return { channel: '/meta/connect', clientId, connectionType, advice: { timeout: 0 }, id: msgId() };
}

export function connectMessage(clientId: string, connectionType = 'long-polling'): WireMessage {
  return { channel: '/meta/connect', clientId, connectionType, id: msgId() };
}

/** A long-polling session that has made its first connect and subscribed to `channel`. */
export async function subscribedSession(url: string, channel: string): Promise<string> {
  const clientId = await rawHandshake(url);
  await bayeux(url, [immediateConnect(clientId)]);
  const sub = { channel: '/meta/subscribe', clientId, subscription: channel, id: msgId() };
  const reply = replyTo(await bayeux(url, [sub]), sub.id);
  if (reply.successful !== true) throw new Error(`subscribe failed: ${JSON.stringify(reply)}`);
  return clientId;
}

/**
 * Proves the server still serves a well-behaved client end to end over raw long-polling:
 * handshake, first connect, subscribe, a publish from a second session, and a held connect
 * that returns the delivery before the connect reply.
 */
export async function expectHealthy(url: string): Promise<void> {
  const subscriber = await rawHandshake(url);
  const first = immediateConnect(subscriber);
  const firstReply = replyTo(await bayeux(url, [first]), first.id);
  if (firstReply.successful !== true) throw new Error(`first connect failed: ${JSON.stringify(firstReply)}`);

  const channel = `/health/${msgId()}`;
  const sub = { channel: '/meta/subscribe', clientId: subscriber, subscription: channel, id: msgId() };
  const subReply = replyTo(await bayeux(url, [sub]), sub.id);
  if (subReply.successful !== true) throw new Error(`subscribe failed: ${JSON.stringify(subReply)}`);

  const publisher = await rawHandshake(url);
  const pub = { channel, clientId: publisher, data: { ok: true }, id: msgId() };
  const pubReply = replyTo(await bayeux(url, [pub]), pub.id);
  if (pubReply.successful !== true) throw new Error(`publish failed: ${JSON.stringify(pubReply)}`);

  const held = connectMessage(subscriber);
  const replies = await bayeux(url, [held]);
  const deliveryIndex = replies.findIndex((m) => m.channel === channel);
  const connectIndex = replies.findIndex((m) => m.id === held.id);
  if (deliveryIndex < 0 || connectIndex < deliveryIndex) {
    throw new Error(`expected the delivery before the connect reply, got ${JSON.stringify(replies)}`);
  }
  const delivery = replies[deliveryIndex]!;
  if (JSON.stringify(delivery.data) !== JSON.stringify({ ok: true })) {
    throw new Error(`unexpected delivery ${JSON.stringify(delivery)}`);
  }

  for (const clientId of [subscriber, publisher]) {
    const bye = { channel: '/meta/disconnect', clientId, id: msgId() };
    await bayeux(url, [bye]);
  }
}

/** A raw WebSocket speaking Bayeux: every text frame is parsed and queued. */
export class RawSocket {
  readonly received: WireMessage[] = [];
  readonly frames: string[] = [];
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const text = raw.toString();
      this.frames.push(text);
      try {
        const parsed: unknown = JSON.parse(text);
        for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.received.push(m as WireMessage);
      } catch {
        // keep the raw frame only
      }
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async open(cleanup: Pick<Cleanup, 'add'>, wsUrl: string): Promise<RawSocket> {
    const ws = new WebSocket(wsUrl);
    const socket = new RawSocket(ws);
    cleanup.add(() => {
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  get closed(): boolean {
    return this.closeCode !== undefined;
  }

  reply(id: MessageId | undefined): WireMessage | undefined {
    return this.received.find((m) => m.id === id);
  }

  /** Sends one message and waits for the reply carrying its id. */
  async request(message: WireMessage): Promise<WireMessage> {
    this.send([message]);
    return eventually(() => {
      const reply = this.reply(message.id);
      if (!reply) throw new Error(`no reply to ${JSON.stringify(message)} yet; got ${JSON.stringify(this.received)}`);
      return reply;
    });
  }
}
