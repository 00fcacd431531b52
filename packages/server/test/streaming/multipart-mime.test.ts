// multipart-mime over raw HTTP (SPEC: STREAM-11 and the shared STREAM-* rules).
import { describe, expect, it } from 'vitest';
import { eventually, msgId, bayeux } from '@kuiper/testkit';
import { describeStreamContract, openSession, subscribe } from './stream-contract.js';

describeStreamContract('multipart-mime');

describe('multipart-mime framing', () => {
    
  it('[STREAM-11] is multipart/x-mixed-replace with a random boundary, one JSON part per batch', async () => {
    const { kuiper, stream, url, clientId } = await openSession('multipart-mime', { streamKeepAliveMs: 40 });
    const type = stream.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/x-mixed-replace; boundary=kuiper-[0-9a-f]{24}$/);
    await subscribe(url, clientId, '/mp');
    await kuiper.publish('/mp', { boundaryLike: `--${type.split('=')[1]}` });
    await eventually(() => expect(stream.data('/mp')).toHaveLength(1));
    // Keep-alives are whole parts holding [] (the reader checks every part's type and length).
    await eventually(() => expect(stream.keepAlives).toBeGreaterThan(0));
  });

  it('[STREAM-11] answers multipart/mixed when Accept asks for it, and closes with the close delimiter', async () => {
    const { stream, url, clientId } = await openSession('multipart-mime', {}, { accept: 'multipart/mixed' });
    const type = stream.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/mixed; boundary=/);
    await bayeux(url, [{ channel: '/meta/disconnect', clientId, id: msgId() }]);
    await eventually(() => expect(stream.ended).toBe(true));
    expect(stream.raw.endsWith(`--${type.split('=')[1]}--\r\n`)).toBe(true);
  });
});
