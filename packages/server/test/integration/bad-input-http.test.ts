// Bad request bodies over raw long-polling HTTP: each case asserts what the sender sees, then
// proves a well-behaved client is still served.
import { describe, it, expect } from 'vitest';
import {
  startKuiper,
  bayeux,
  rawPost,
  rawGet,
  handshakeMessage,
  replyTo,
  expectHealthy,
  type RawResponse,
  type WireMessage,
} from '@kuiper/testkit';

/** HTTP-2: the refused body's answer is a one-message array carrying the error. */
function expectRefused(res: RawResponse, status: number, error: string, label = ''): void {
  expect(res.status, label).toBe(status);
  expect(res.json, label).toEqual([expect.objectContaining({ successful: false, error })]);
}

describe('request bodies', () => {
  it('[CODEC-2][HTTP-2] answers malformed JSON with HTTP 400 and 400::body_invalid', async () => {
    const { url } = await startKuiper();
    for (const body of ['[{"channel":"/meta/handshake",', '', 'not json', '[1,2', '{"a":}']) {
      expectRefused(await rawPost(url, body), 400, '400::body_invalid', JSON.stringify(body));
    }
    await expectHealthy(url);
  });

  it('[CODEC-2] refuses an empty array and a batch of more than 1000 messages', async () => {
    const { url } = await startKuiper();
    expectRefused(await rawPost(url, '[]'), 400, '400::body_invalid', '[]');
    const many = Array.from({ length: 1001 }, () => handshakeMessage());
    expectRefused(await rawPost(url, JSON.stringify(many)), 400, '400::body_invalid', '1001 messages');
    await expectHealthy(url);
  });

  it('[CODEC-2] answers JSON that is not a message with a 400 error and never a 5xx', async () => {
    const { url } = await startKuiper();
    for (const body of ['42', '"hello"', 'null', 'true', '[1,2]', '[null]', '[[]]', '[{}]']) {
      const res = await rawPost(url, body);
      expect(res.status, body).toBeLessThan(500);
      const errors = Array.isArray(res.json) ? (res.json as WireMessage[]).map((m) => m.error) : [];
      expect(errors.length, body).toBeGreaterThan(0);
      for (const error of errors) expect(error, body).toMatch(/^400:/);
    }
    await expectHealthy(url);
  });

  it('[HTTP-3][LIMIT-1] answers a body over maxBodyBytes with HTTP 413 and 413::body_too_large', async () => {
    const { url } = await startKuiper({ maxBodyBytes: 1024 });
    const hs = { ...handshakeMessage(), ext: { padding: 'x'.repeat(4096) } };
    expectRefused(await rawPost(url, JSON.stringify([hs])), 413, '413::body_too_large');
    const small = await rawPost(url, JSON.stringify([{ ...handshakeMessage(), ext: { padding: 'x'.repeat(500) } }]));
    expect(small.status).toBe(200);
    await expectHealthy(url);
  });

  it('[HTTP-3] refuses a large chunked body (no Content-Length) with 413 too', async () => {
    const { url } = await startKuiper({ maxBodyBytes: 1024 });
    const chunks = [JSON.stringify([handshakeMessage()]).slice(0, -1), `,${'"x",'.repeat(2000)}1]`];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(new TextEncoder().encode(c));
        controller.close();
      },
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(res.status).toBe(413);
    await expectHealthy(url);
  });

  it('[CODEC-1][CODEC-3] accepts a single message object and a form-encoded message= body', async () => {
    const { url } = await startKuiper();
    const single = await rawPost(url, JSON.stringify(handshakeMessage()));
    expect(single.status).toBe(200);
    expect(single.json).toEqual([expect.objectContaining({ channel: '/meta/handshake', successful: true })]);

    const form = new URLSearchParams({ message: JSON.stringify([handshakeMessage()]) }).toString();
    const formRes = await rawPost(url, form, 'application/x-www-form-urlencoded');
    expect(formRes.status).toBe(200);
    expect(formRes.json).toEqual([expect.objectContaining({ channel: '/meta/handshake', successful: true })]);
  });

  it('[CODEC-1] reads a JSON body whatever its content type (text/plain, none)', async () => {
    const { url } = await startKuiper();
    for (const contentType of ['text/plain;charset=UTF-8', 'application/octet-stream', '']) {
      const res = await rawPost(url, JSON.stringify([handshakeMessage()]), contentType);
      expect(res.status, contentType).toBe(200);
      expect(res.json, contentType).toEqual([expect.objectContaining({ successful: true })]);
    }
  });

  it('[HTTP-1] serves the cometd sub-paths and nothing else outside the mount', async () => {
    const { url, port } = await startKuiper();
    for (const sub of ['/handshake', '/connect', '/disconnect', '/']) {
      const hs = handshakeMessage();
      expect(replyTo(await bayeux(url + sub, [hs]), hs.id).successful, sub).toBe(true);
    }
    for (const path of ['/elsewhere', '/bayeux/other', '/bayeuxx']) {
      const res = await rawPost(`http://127.0.0.1:${port}${path}`, JSON.stringify([handshakeMessage()]));
      expect(res.status, path).toBe(404);
    }
  });

  it('refuses other methods and a GET without message=, without creating sessions', async () => {
    const { url, server: kuiper } = await startKuiper();
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(url, { method, body: JSON.stringify([handshakeMessage()]) });
      expect(res.status, method).toBeGreaterThanOrEqual(400);
      expect(res.status, method).toBeLessThan(500);
    }
    const get = await rawGet(url);
    expect(get.status).toBe(400);
    expect(kuiper.stats().clients).toBe(0);
    await expectHealthy(url);
  });
});
