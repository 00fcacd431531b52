// Issue 10: a body over maxBodyBytes must get its 413 while the client is still sending (HTTP-3).
// Before the fix a 12 MiB POST against the 1 MiB default saw its connection reset (EPIPE) and
// never read the answer. Raw node:http and net clients, so no library hides what the socket does.
import { eventually, expectHealthy, startKuiper } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { heapUsed } from '../hardening/support.js';
import { ChunkedPost, MiB, expectTwelveMiBRefused } from '../helpers/big-body.js';

describe('[HTTP-3] a body over maxBodyBytes, still being sent', () => {
  it('[HTTP-3][LIMIT-1] a 12 MiB POST with Content-Length reads its 413 and body, no EPIPE or reset', async () => {
    const { url } = await startKuiper();
    await expectTwelveMiBRefused(url);
    await expectHealthy(url);
  });

  it('[HTTP-3] a 12 MiB chunked POST (no Content-Length) reads its 413 while still sending, then the server closes', async () => {
    const { url, port } = await startKuiper();
    const post = new ChunkedPost(port);
    await post.send(2 * MiB);
    // The answer is there before the client has finished sending.
    await eventually(() => expect(post.status).toBe(413));
    expect(post.received).toMatch(/\r\nconnection: close\r\n/i);
    await post.send(10 * MiB);
    // Every byte went out: the server kept reading (and dropping) instead of hanging up.
    expect(post.sent).toBe(12 * MiB);
    post.finish();
    await closed(post);
    expect(post.errors).toEqual([]);
    expect(JSON.parse(post.body)).toEqual([expect.objectContaining({ successful: false, error: '413::body_too_large' })]);
    await expectHealthy(url);
  });

  it('[HTTP-3] the dropped rest of the body is not buffered, and past the bound the connection is closed', async () => {
    const { url, port } = await startKuiper({ maxBodyBytes: 64 * 1024 });
    const post = new ChunkedPost(port);
    const before = arrayBuffersAfterGc();
    let peak = 0;
    // Up to 64 MiB: the server reads and drops at most 16 MiB (discardBytes) and then hangs up.
    await post.send(64 * MiB, () => (peak = Math.max(peak, arrayBuffersAfterGc() - before)));
    await closed(post);
    expect(post.status).toBe(413);
    expect(post.sent).toBeLessThan(40 * MiB);
    console.log(`[oversized body] sent ${(post.sent / MiB).toFixed(1)} MiB before the server closed; peak external memory +${(peak / MiB).toFixed(2)} MiB`);
    // Buffering what is dropped would grow by a MiB per MiB sent (16 MiB before the close).
    expect(peak).toBeLessThan(4 * MiB);
    await expectHealthy(url);
  });
});

function arrayBuffersAfterGc(): number {
  heapUsed();
  return process.memoryUsage().arrayBuffers;
}

function closed(post: ChunkedPost): Promise<void> {
  return eventually(() => expect(post.closed).toBe(true), 10_000);
}
