// eventsource over raw HTTP (SPEC: STREAM-9 and the shared STREAM-* rules).
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { describeStreamContract, openSession, subscribe } from './stream-contract.js';

describeStreamContract('eventsource');

describe('eventsource framing', () => {
    
  it('[STREAM-9] is text/event-stream with one data: event per batch and comment keep-alives', async () => {
    const { kuiper, stream, url, clientId } = await openSession('eventsource', { streamKeepAliveMs: 40 });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await subscribe(url, clientId, '/es');
    await kuiper.publish('/es', { text: 'line one\nline two\r\n' });
    await eventually(() => expect(stream.data('/es')).toEqual([{ text: 'line one\nline two\r\n' }]));
    await eventually(() => expect(stream.keepAlives).toBeGreaterThan(0));
    // Every event is a single `data:` line (line breaks in data are JSON-escaped) or a bare comment.
    const events = stream.raw.split('\n\n').filter((e) => e !== '');
    for (const event of events) expect(event).toMatch(/^(data: \[[^\n]*\]|:)$/);
  });
});
