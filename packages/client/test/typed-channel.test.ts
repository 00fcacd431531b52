/** [CLI-20] [CLI-21] Typed channels with zod schemas, against the Kuiper server. */
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import type { KuiperClientError, Message } from '../src/index.js';
import { newClient, startKuiper } from '@kuiper/testkit';

const Chat = z.object({ user: z.string(), text: z.string().max(20) });

async function setup() {
  const { server, url } = await startKuiper({ timeout: 5_000 });
  const published: unknown[] = [];
  server.subscribe('/chat/**', (message: { data?: unknown }) => {
    published.push(message.data);
  });
  const errors: Error[] = [];
  const client = newClient(url, { transports: ['long-polling'], onError: (e) => errors.push(e) });
  await client.whenConnected();
  return { server, client, published, errors };
}

describe('typed channels', () => {
  it('[CLI-20] publishes and receives typed data on a wildcard pattern', async () => {
    const { client } = await setup();
    const chat = client.channel('/chat/*', Chat);
    const got: { user: string; text: string }[] = [];
    const sub = chat.subscribe((message, raw) => {
      expectTypeOf(message).toEqualTypeOf<{ user: string; text: string }>();
      expect(raw.channel).toBe('/chat/lobby');
      got.push(message);
    });
    await sub.ready;
    await chat.publish('/chat/lobby', { user: 'ada', text: 'hi' });
    await vi.waitFor(() => expect(got).toEqual([{ user: 'ada', text: 'hi' }]));
  });

  it('[CLI-20] a plain channel publishes without naming the channel again', async () => {
    const { client } = await setup();
    const lobby = client.channel('/chat/lobby', Chat);
    const got: unknown[] = [];
    await lobby.subscribe((m) => got.push(m)).ready;
    await lobby.publish({ user: 'bob', text: 'yo' });
    await vi.waitFor(() => expect(got).toEqual([{ user: 'bob', text: 'yo' }]));
  });

  it('[CLI-20] outgoing data failing the schema rejects locally with a clear error; nothing is sent', async () => {
    const { client, published } = await setup();
    const chat = client.channel('/chat/*', Chat);
    const error = (await chat.publish('/chat/lobby', { user: 'ada', text: 'x'.repeat(21) }).catch((e: unknown) => e)) as KuiperClientError;
    expect(error.code).toBe('invalid_outgoing');
    expect(error.message).toMatch(/^message for \/chat\/lobby fails its schema: text: /);
    // @ts-expect-error -- the input type is checked at compile time too
    await expect(chat.publish('/chat/lobby', { user: 1 })).rejects.toMatchObject({ code: 'invalid_outgoing' });
    await expect(chat.publish('/news/x', { user: 'a', text: 'b' })).rejects.toMatchObject({ code: 'invalid_channel' });
    await chat.publish('/chat/lobby', { user: 'ada', text: 'ok' });
    await vi.waitFor(() => expect(published).toEqual([{ user: 'ada', text: 'ok' }]));
  });

  it('[CLI-21] incoming data failing the schema is dropped and reported, never handed to the handler', async () => {
    const { client, server, errors } = await setup();
    const invalid: { error: KuiperClientError; message: Message }[] = [];
    const chat = client.channel('/chat/*', Chat, { onInvalid: (error, message) => invalid.push({ error, message }) });
    const got: unknown[] = [];
    await chat.subscribe((m) => got.push(m)).ready;
    await server.publish('/chat/lobby', { user: 'eve', text: 42 });
    await server.publish('/chat/lobby', { user: 'ada', text: 'fine' });
    await vi.waitFor(() => expect(got).toEqual([{ user: 'ada', text: 'fine' }]));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.error.code).toBe('invalid_incoming');
    expect(invalid[0]?.error.message).toMatch(/dropped a message on \/chat\/lobby that fails the schema of \/chat\/\*: text: /);
    expect(invalid[0]?.message.data).toEqual({ user: 'eve', text: 42 });
    expect(errors).toEqual([]);

    // Without onInvalid the client's onError hears of it.
    const plain = client.channel('/chat/*', Chat);
    await plain.subscribe(() => {}).ready;
    await server.publish('/chat/lobby', 'not an object');
    await vi.waitFor(() => expect(errors.map((e) => (e as KuiperClientError).code)).toContain('invalid_incoming'));
  });

  it('[CLI-20] schemas that transform give the handler the parsed output', async () => {
    const { client } = await setup();
    const Stamped = z.object({ at: z.string().transform((s) => new Date(s)) });
    const times = client.channel('/chat/time', Stamped);
    const got: Date[] = [];
    await times.subscribe((m) => got.push(m.at)).ready;
    await times.publish({ at: '2026-01-01T00:00:00.000Z' });
    await vi.waitFor(() => expect(got[0]).toBeInstanceOf(Date));
  });
});
