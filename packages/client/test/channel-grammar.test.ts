/**
 * The client checks channel names with the server's own grammar (@kuiper/protocol), so `/a b` —
 * which the client once let through and the server answered with 405 — is refused before anything
 * is sent; and it reads the server's errors through the protocol's table (for 402, see
 * subscribe-session-unknown.test.ts).
 */
import { isValidChannelName, patternMatches } from '@kuiper/protocol';
import { isValidChannelName as serverCheck } from '../../server/src/index.js';
import { newClient, startKuiper } from '@kuiper/testkit';
import { describe, expect, it } from 'vitest';
import { KuiperClientError, channelMatches, isValidChannel } from '../src/index.js';

describe('channel names', () => {
  it('[CLI-4] the client checks names with the very function the server uses', () => {
    expect(isValidChannel).toBe(isValidChannelName);
    expect(serverCheck).toBe(isValidChannelName);
    expect(channelMatches).toBe(patternMatches);
  });

  it('[CLI-4] publish("/a b") rejects locally with the reason, and the server never sees it', async () => {
    const seen: string[] = [];
    const { url } = await startKuiper({
      extensions: [{ name: 'recorder', incoming: (message) => (seen.push(message.channel), message) }],
    });
    const client = newClient(url, { transports: ['long-polling'] });
    await client.whenConnected();

    const refused = await client.publish('/a b', { x: 1 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(KuiperClientError);
    expect(refused).toMatchObject({ code: 'invalid_channel', message: 'cannot publish to "/a b": a channel name has no spaces or control characters' });
    expect(() => client.subscribe('/a b', () => {})).toThrow(/cannot subscribe to "\/a b": a channel name has no spaces/);

    // A publish after it is acknowledged in order, so had "/a b" gone out it would be seen by now.
    await client.publish('/a/b', { x: 2 });
    expect(seen).toContain('/a/b');
    expect(seen.filter((channel) => channel.includes(' '))).toEqual([]);
  });
});

describe('errors through the table', () => {
  it('[CLI-4] a refusal carries the Bayeux error parsed through the protocol table', async () => {
    const { url } = await startKuiper({ policy: { canPublish: () => 'no_token' } });
    const client = newClient(url, { transports: ['long-polling'] });
    const refused = await client.publish('/chat/a', 1).then(
      () => undefined,
      (error: unknown) => error as KuiperClientError,
    );
    expect(refused?.bayeuxError).toBe('403:no_token:publish_denied');
    expect(refused?.bayeux).toEqual({ code: 403, args: ['no_token'], message: 'publish_denied', name: 'publish_denied' });
  });
});
