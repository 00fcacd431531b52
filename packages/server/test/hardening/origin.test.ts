// WebSocket Origin allow-list and CORS (issue 5, SEC-6, SEC-7): cross-site WebSocket hijacking is
// refused by default; listed origins get in; CORS headers only for allowed origins.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { cleanup, type KuiperOptions, onCleanup } from '@kuiper/testkit';
import { startHardened } from './support.js';

const EVIL = 'https://evil.example';
const APP = 'https://app.example';

type Upgrade = { opened: true } | { opened: false; status: number; body: string };

/** Tries a WebSocket upgrade with the given Origin (or none); reports whether it opened. */
function tryUpgrade(wsUrl: string, origin?: string, host?: string): Promise<Upgrade> {
  const headers: Record<string, string> = host ? { host } : {};
  const ws = new WebSocket(wsUrl, { ...(origin !== undefined ? { origin } : {}), headers });
  onCleanup(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ opened: true }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}

async function server(options: Partial<KuiperOptions> = {}) {
  return startHardened(cleanup, options);
}

describe('websocket Origin', () => {
  it('[SEC-6] a cross-site Origin is refused with HTTP 403 by default', async () => {
    const { wsUrl } = await server();
    expect(await tryUpgrade(wsUrl, EVIL)).toEqual({ opened: false, status: 403, body: '403::origin_denied' });
    expect(await tryUpgrade(wsUrl, 'null')).toMatchObject({ opened: false, status: 403 });
    expect(await tryUpgrade(wsUrl, 'not a url')).toMatchObject({ opened: false, status: 403 });
  });

  it('[SEC-6] same-origin pages and non-browser clients (no Origin) are accepted by default', async () => {
    const { wsUrl, port } = await server();
    expect(await tryUpgrade(wsUrl, `http://127.0.0.1:${port}`)).toEqual({ opened: true });
    expect(await tryUpgrade(wsUrl)).toEqual({ opened: true });
    // Same host, other port: another origin.
    expect(await tryUpgrade(wsUrl, `http://127.0.0.1:${port + 1}`)).toMatchObject({ opened: false, status: 403 });
  });

  it('[SEC-6] allowedOrigins lets listed origins in, and only those', async () => {
    const { wsUrl, port } = await server({ allowedOrigins: [EVIL, APP] });
    expect(await tryUpgrade(wsUrl, EVIL)).toEqual({ opened: true });
    expect(await tryUpgrade(wsUrl, APP)).toEqual({ opened: true });
    expect(await tryUpgrade(wsUrl, 'https://other.example')).toMatchObject({ opened: false, status: 403 });
    expect(await tryUpgrade(wsUrl, `${EVIL}.attacker.example`)).toMatchObject({ opened: false, status: 403 });
    expect(await tryUpgrade(wsUrl, `http://127.0.0.1:${port}`)).toEqual({ opened: true });
  });

  it("[SEC-6] a function or '*' decides as configured", async () => {
    const fn = await server({ allowedOrigins: (origin) => origin.endsWith('.trusted.example') });
    expect(await tryUpgrade(fn.wsUrl, 'https://a.trusted.example')).toEqual({ opened: true });
    expect(await tryUpgrade(fn.wsUrl, EVIL)).toMatchObject({ opened: false, status: 403 });
    const any = await server({ allowedOrigins: '*' });
    expect(await tryUpgrade(any.wsUrl, EVIL)).toEqual({ opened: true });
  });
});

async function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

const HANDSHAKE = JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' }]);

describe('CORS', () => {
  it('[SEC-7] a preflight from an allowed origin gets Access-Control-Allow-Origin; a disallowed one does not', async () => {
    const { url } = await server({ allowedOrigins: [APP] });
    for (const path of [url, `${url}/handshake`, `${url}/connect`]) {
      const ok = await preflight(path, APP);
      expect(ok.status, path).toBeLessThan(300);
      expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
      expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
      expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
      const bad = await preflight(path, EVIL);
      expect(bad.headers.get('access-control-allow-origin'), path).toBeNull();
    }
  });

  it('[SEC-7] the actual long-polling and callback-polling responses carry CORS headers only for allowed origins', async () => {
    const { url } = await server({ allowedOrigins: [APP] });
    const post = (origin: string) =>
      fetch(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: HANDSHAKE });
    const ok = await post(APP);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('vary')).toContain('Origin');
    const bad = await post(EVIL);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${url}?jsonp=cb&message=${encodeURIComponent(HANDSHAKE)}`, { headers: { origin: APP } });
    expect(get.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('[SEC-7] without allowedOrigins no response carries CORS headers', async () => {
    const { url } = await server();
    const pre = await preflight(url, APP);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(url, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: HANDSHAKE });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('[SEC-7] an eventsource stream opened from an allowed origin carries CORS headers too', async () => {
    const { url } = await server({ allowedOrigins: [APP] });
    const connect = JSON.stringify([{ channel: '/meta/connect', clientId: 'nobody', connectionType: 'eventsource', id: '1' }]);
    const allowed = await fetch(`${url}?transport=eventsource&message=${encodeURIComponent(connect)}`, { headers: { origin: APP } });
    await allowed.text();
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin'), 'EventSource from an allowed origin cannot read the stream without it').toBe(APP);
    const refused = await fetch(`${url}?transport=eventsource&message=${encodeURIComponent(connect)}`, { headers: { origin: EVIL } });
    await refused.text();
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('an allowedOrigins function that throws', () => {
  it('[SEC-6][SEC-7] is a refusal for that request, not a crashed server', async () => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./child-server.ts', import.meta.url))], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUIPER_LOG: 'silent' },
    });
    onCleanup(() => child.kill());
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (c: Buffer) => resolve((JSON.parse(c.toString()) as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
    });
    const url = `http://127.0.0.1:${port}/bayeux`;
    const wsUrl = url.replace(/^http/, 'ws');
    const alive = async (): Promise<void> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: HANDSHAKE }).catch((err: unknown) => {
        throw new Error(`server process gone (exit ${child.exitCode}): ${String(err)}\n${stderr.slice(0, 400)}`);
      });
      expect(res.status).toBe(200);
    };
    await alive();
    expect(await tryUpgrade(wsUrl, 'https://a.trusted.example')).toEqual({ opened: true });
    // Browsers send `Origin: null` from sandboxed frames and file: pages.
    const res = await fetch(url, { method: 'POST', headers: { origin: 'null', 'content-type': 'application/json' }, body: HANDSHAKE }).catch(() => undefined);
    expect(res?.headers.get('access-control-allow-origin') ?? null).toBeNull();
    await alive();
    expect(await tryUpgrade(wsUrl, 'null').catch(() => ({ opened: false, status: 0 }))).toMatchObject({ opened: false, status: 403 });
    await alive();
  });
});
