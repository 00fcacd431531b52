// HTTP-10: every request/response answer says its length; none is chunked. Spoken over raw HTTP
// with node:http, which shows the framing headers exactly as the server sent them.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { bayeux, msgId, rawHandshake, startKuiper, subscribedSession, connectMessage } from '@kuiper/testkit';

interface Framed {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(url: string, method: 'GET' | 'POST', body?: string): Promise<Framed> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectLength(res: Framed): void {
  expect(res.headers['transfer-encoding']).toBeUndefined();
  expect(Number(res.headers['content-length'])).toBe(res.body.length);
}

describe('[HTTP-10] response framing', () => {
  it('a long-poll answer with deliveries (non-ASCII too) carries Content-Length', async () => {
    const { url } = await startKuiper();
    const subscriber = await subscribedSession(url, '/framing');
    const publisher = await rawHandshake(url);
    const held = request(url, 'POST', JSON.stringify([connectMessage(subscriber)]));
    await bayeux(url, [{ channel: '/framing', clientId: publisher, data: { text: 'héllo ☃ 👋' }, id: msgId() }]);
    const res = await held;
    expect(res.status).toBe(200);
    expectLength(res);
    const replies = JSON.parse(res.body.toString('utf8')) as Array<{ channel: string; data?: { text: string } }>;
    expect(replies[0]?.data?.text).toBe('héllo ☃ 👋');
  });

  it('callback-polling and error answers carry Content-Length', async () => {
    const { url } = await startKuiper();
    const message = encodeURIComponent(JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['callback-polling'], id: '1' }]));
    const jsonp = await request(`${url}?jsonp=cb&message=${message}`, 'GET');
    expect(jsonp.status).toBe(200);
    expect(jsonp.body.toString()).toMatch(/^\/\*\*\/cb\(\[/);
    expectLength(jsonp);
    const bad = await request(url, 'POST', '{not json');
    expect(bad.status).toBe(400);
    expectLength(bad);
  });
});
