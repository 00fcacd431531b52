// Shared pieces for the hardening tests (issue 5): a server that also exposes its node:http server
// and TCP sockets, a seeded PRNG, heap measurement, and raw transport speakers that report status.
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type Cleanup,
  type KuiperOptions,
  type KuiperServer,
  RawSocket,
  type WireMessage,
  handshakeMessage,
  msgId,
  replyTo,
  startKuiper,
} from '@kuiper/testkit';

export interface Hardened {
  kuiper: KuiperServer;
  http: HttpServer;
  port: number;
  url: string;
  wsUrl: string;
  /** Every TCP connection the server currently has open (HTTP keep-alive and upgraded WebSockets). */
  sockets: ReadonlySet<Socket>;
  /** Destroys every open TCP connection from the server side; returns how many. */
  dropAll(): number;
}

export async function startHardened(cleanup: Cleanup, options: Partial<KuiperOptions> = {}): Promise<Hardened> {
  const { server, http, port, url, wsUrl, sockets, dropConnections } = await startKuiper(options, { cleanup });
  return { kuiper: server, http, port, url, wsUrl, sockets, dropAll: dropConnections };
}

/** The seeded PRNG hostile runs replay from (one for every package's tests). */
export { seeded } from '@kuiper/testkit';

let gcFn: (() => void) | undefined | null = null;
/** `global.gc` when the process runs with --expose-gc, else enabled at run time through V8 flags. */
function gc(): (() => void) | undefined {
  if (gcFn !== null) return gcFn;
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return (gcFn = existing);
  try {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  } catch {
    gcFn = undefined;
  }
  return gcFn;
}

/** heapUsed after a forced full GC where possible (`forced` says whether it was). */
export function heapUsed(): { bytes: number; forced: boolean } {
  const collect = gc();
  if (collect) {
    collect();
    collect();
  }
  return { bytes: process.memoryUsage().heapUsed, forced: collect !== undefined };
}

export const MiB = 1024 * 1024;

export function mib(bytes: number): string {
  return `${(bytes / MiB).toFixed(1)} MiB`;
}

export interface Status {
  status: number;
  text: string;
  json: unknown;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** POSTs any body; never throws on HTTP status. */
export async function post(url: string, body: string, contentType = 'application/json'): Promise<Status> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, text, json: parse(text) };
}

/** callback-polling GET; the JSONP wrapper is stripped so `json` is the reply array. */
export async function jsonp(url: string, message: string, callback = 'cb'): Promise<Status> {
  const res = await fetch(`${url}?jsonp=${encodeURIComponent(callback)}&message=${encodeURIComponent(message)}`);
  const text = await res.text();
  const m = /^\/\*\*\/[\w$.]+\(([\s\S]*)\);$/.exec(text);
  return { status: res.status, text, json: parse(m ? (m[1] as string) : text) };
}

/** A bayeux error string: `code:args:message`. */
export const ERROR_STRING = /^\d{3}:[^:]*:[a-z_]+$/;

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export type RawTransport = 'long-polling' | 'callback-polling' | 'websocket';
export const RAW_TRANSPORTS: readonly RawTransport[] = ['long-polling', 'callback-polling', 'websocket'];

/** One request/reply exchange over a chosen transport; resolves with the reply carrying `id`. */
export type Exchange = (message: WireMessage & { id: string }) => Promise<WireMessage>;

export async function exchangeOver(cleanup: Cleanup, transport: RawTransport, server: Hardened): Promise<Exchange> {
  if (transport === 'websocket') {
    const socket = await RawSocket.open(cleanup, server.wsUrl);
    return (message) => socket.request(message);
  }
  return async (message) => {
    const res =
      transport === 'long-polling'
        ? await post(server.url, JSON.stringify([message]))
        : await jsonp(server.url, JSON.stringify([message]));
    if (!Array.isArray(res.json)) throw new Error(`${transport}: HTTP ${res.status} ${res.text}`);
    return replyTo(res.json as WireMessage[], message.id);
  };
}

/** The handshake each raw transport sends (its own connection type). */
export function handshakeFor(transport: RawTransport): WireMessage & { id: string } {
  return { ...handshakeMessage([transport]), id: msgId() };
}
