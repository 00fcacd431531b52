import { describe, expect, it } from 'vitest';
import { BayeuxError } from '@kuiper/protocol';
import { checkMessage, decodeBody, decodeJson, encodeAsciiBatch, encodeBatch } from '../src/core/codec.js';

const wire = (r: ReturnType<typeof checkMessage>): string => (r instanceof BayeuxError ? r.wire : 'ok');

describe('codec', () => {
  it('[CODEC-1] accepts an array or a single object', () => {
    expect(decodeJson('[{"channel":"/a"}]')).toMatchObject({ ok: true, messages: [{ channel: '/a' }] });
    expect(decodeJson('{"channel":"/a"}')).toMatchObject({ ok: true, messages: [{ channel: '/a' }] });
  });

  it('[CODEC-2] refuses non-JSON, empty, oversized and non-object batches with protocol errors', () => {
    const err = (text: string): string => {
      const d = decodeJson(text);
      return d.ok ? 'ok' : d.error.wire;
    };
    expect(err('{nope')).toBe('400::body_invalid');
    expect(err('[]')).toBe('400::body_invalid');
    expect(err(JSON.stringify(Array.from({ length: 1001 }, () => ({ channel: '/a' }))))).toBe('400::body_invalid');
    expect(err('[1]')).toBe('400::message_invalid');
    expect(err('[null]')).toBe('400::message_invalid');
    expect(err('"str"')).toBe('400::message_invalid');
    expect(err('[[{"channel":"/a"}]]')).toBe('400::message_invalid');
  });

  it('[CODEC-3] reads the message= field of a form body', () => {
    const body = `message=${encodeURIComponent('[{"channel":"/meta/handshake"}]')}`;
    expect(decodeBody(body, 'application/x-www-form-urlencoded')).toMatchObject({ ok: true });
    expect(decodeBody(body, undefined)).toMatchObject({ ok: true });
    expect(decodeBody('other=1', 'application/x-www-form-urlencoded')).toMatchObject({ ok: false });
  });

  it('[CODEC-4] type-checks protocol fields', () => {
    expect(wire(checkMessage({}))).toBe('400::channel_missing');
    expect(wire(checkMessage({ channel: 7 }))).toBe('405::channel_invalid');
    expect(wire(checkMessage({ channel: '/a', id: {} }))).toBe('405::message_id_invalid');
    expect(wire(checkMessage({ channel: '/a', clientId: 42 }))).toBe('400:clientId:message_invalid');
    expect(wire(checkMessage({ channel: '/a', subscription: [1] }))).toBe('405::subscription_invalid');
    expect(wire(checkMessage({ channel: '/a', ext: [] }))).toBe('400:ext:message_invalid');
    expect(wire(checkMessage({ channel: '/a', supportedConnectionTypes: 'x' }))).toBe(
      '400:supportedConnectionTypes:message_invalid',
    );
    expect(checkMessage({ channel: '/a', id: '1', data: { x: 1 }, junk: true })).toEqual({
      channel: '/a',
      id: '1',
      data: { x: 1 },
    });
  });

  it('[CODEC-5] a shared message is serialised once and framed as an array', () => {
    const msg = { channel: '/a', data: { n: 1 } };
    const first = encodeBatch([msg, msg]);
    msg.data.n = 2; // the cache is keyed by the object: delivered copies are immutable by convention
    expect(first).toBe('[{"channel":"/a","data":{"n":1}},{"channel":"/a","data":{"n":1}}]');
    expect(encodeBatch([msg])).toBe('[{"channel":"/a","data":{"n":1}}]');
  });
});

describe('long-polling body', () => {
  it('[HTTP-8] is pure ASCII and parses back to the same value', () => {
    const value = [{ channel: '/a', data: { t: 'héllo ✓ 𝄞 ascii' } }, { channel: '/b', data: 'plain' }];
    const body = encodeAsciiBatch(value);
    expect(/^[\x00-\x7f]*$/.test(body)).toBe(true);
    expect(JSON.parse(body)).toEqual(value);
    expect(encodeAsciiBatch([value[1]!])).toBe('[{"channel":"/b","data":"plain"}]');
    expect(encodeAsciiBatch(value)).toBe(body); // cached per message, same bytes
  });
});
