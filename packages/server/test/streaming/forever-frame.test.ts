// forever-frame over raw HTTP (SPEC: STREAM-10 and the shared STREAM-* rules).
import { describe, expect, it } from 'vitest';
import { escapeForScript } from '../../src/transports/formats/forever-frame.js';
import { type WireMessage, eventually, rawGet, rawHandshake, startKuiper } from '@kuiper/testkit';
import { describeStreamContract, openSession, subscribe } from './stream-contract.js';
import { streamConnect, streamUrl } from './stream-reader.js';

describeStreamContract('forever-frame');

describe('forever-frame framing', () => {
    
  it('[STREAM-10] is text/html, padded past 1 KiB before the first script, calling parent.<callback>', async () => {
    const { stream } = await openSession('forever-frame', {}, { callback: 'ns.onBatch' });
    expect(stream.headers.get('content-type')).toMatch(/^text\/html/);
    expect(Buffer.byteLength(stream.prelude)).toBeGreaterThanOrEqual(1024);
    expect(stream.raw).toContain('<script>parent.ns.onBatch([');
  });

  it('[STREAM-10] no message can close the script or bend it: <, >, &, U+2028, U+2029 are escaped', async () => {
    const { kuiper, stream, url, clientId } = await openSession('forever-frame');
    await subscribe(url, clientId, '/evil');
    const nasty = '</script><script>alert(1)</script><!-- & \u2028 \u2029 -->';
    await kuiper.publish('/evil', { nasty });
    await eventually(() => expect(stream.data('/evil')).toEqual([{ nasty }]));
    const tail = stream.raw.slice(stream.prelude.length);
    expect(tail).not.toContain('alert(1)</script>');
    expect(tail).not.toMatch(/[\u2028\u2029]/);
    // Each script element holds exactly one call.
    expect(tail.split('<script>').length).toBe(tail.split('</script>').length);
  });

  it('[STREAM-10] escapeForScript keeps the JSON meaning', () => {
    const value = { s: '</script>&<>\u2028\u2029é' };
    const escaped = escapeForScript(JSON.stringify(value));
    expect(escaped).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(escaped)).toEqual(value);
  });

  it('[STREAM-10][HTTP-5] a missing or invalid callback is refused and never echoed', async () => {
    const { url } = await startKuiper();
    const clientId = await rawHandshake(url);
    for (const callback of ['alert(1)//', '<script>', 'a b', '1abc', '']) {
      const res = await rawGet(streamUrl(url, 'forever-frame', [streamConnect(clientId, 'forever-frame')], { callback }));
      expect(res.status, callback).toBe(400);
      expect((res.json as WireMessage[])[0]?.error).toBe('400::jsonp_invalid');
      if (callback !== '') expect(res.text).not.toContain(callback);
    }
    const query = new URLSearchParams({ transport: 'forever-frame', message: JSON.stringify([streamConnect(clientId, 'forever-frame')]) });
    expect((await rawGet(`${url}?${query.toString()}`)).status).toBe(400);
  });
});
