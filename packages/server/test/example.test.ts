// Runs the README's example (examples/secure-chat.ts) with the real faye client, and checks the
// README shows that very file, so the documentation cannot drift from code that works.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSecureChat } from '../examples/secure-chat.js';
import { createFaye } from './helpers/faye.js';
import { Cleanup, bayeux, handshakeMessage } from './helpers/server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('README example: secure chat', () => {
  it('is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/secure-chat.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[SEC-1][SEC-3][SEC-4] members chat, strangers are refused, a revoked token ends the session', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const chat = await startSecureChat();
    cleanup.add(() => chat.close());

    const [refused] = await bayeux(chat.url, [{ ...handshakeMessage(), ext: { token: 'stolen' } }]);
    expect(refused).toMatchObject({ successful: false, error: '403:invalid_token:handshake_denied' });

    const ada = createFaye(cleanup, chat.url, 'long-polling');
    ada.client.addExtension({
      outgoing(message, callback) {
        if (message.channel === '/meta/handshake') message.ext = { token: 't-ada' };
        callback(message);
      },
    });
    const got: unknown[] = [];
    await ada.subscribe('/chat/lobby', (data) => got.push(data));
    await ada.publish('/chat/lobby', { text: 'hello' });
    await vi.waitFor(() => expect(got).toEqual([{ text: 'hello' }]));
    await expect(ada.subscribe('/chat/vip', () => {})).rejects.toThrow(/403 (create|subscribe)_denied/);

    chat.revoke('t-ada');
    await expect(ada.publish('/chat/lobby', { text: 'still here?' })).rejects.toThrow(/token_revoked|session/);
  });
});
