/** [CLI-17] A server that refuses handshakes: the client stops with a clear error, no loop. */
import { describe, expect, it } from 'vitest';
import { createClient, type KuiperClientError, type StatusEvent } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { startCometd } from './helpers/cometd-server.js';
import { startFaye } from './helpers/faye-server.js';

describe('refused handshake', () => {
  it('[CLI-17] faye refusing (it advises reconnect "handshake") stops the client after one handshake', async () => {
    const faye = await startFaye({
      extensions: [
        {
          incoming(message, callback) {
            if (message.channel === '/meta/handshake') message.error = '403::handshake_denied';
            callback(message);
          },
        },
      ],
    });
    onCleanup(() => faye.close());
    const errors: Error[] = [];
    const events: StatusEvent[] = [];
    const client = createClient(faye.url, { transports: ['long-polling'], onError: (e) => errors.push(e), onStatus: (e) => events.push(e) });
    onCleanup(() => client.disconnect());
    const queued = client.publish('/x', 1);
    await expect(client.whenConnected()).rejects.toMatchObject({ code: 'handshake_denied' });
    expect(client.status).toBe('disconnected');
    expect(client.error?.message).toContain('403::handshake_denied');
    expect(client.error?.bayeuxError).toBe('403::handshake_denied');
    expect(errors).toHaveLength(1);
    await expect(queued).rejects.toMatchObject({ code: 'handshake_denied' });
    await expect(client.publish('/x', 2)).rejects.toMatchObject({ code: 'handshake_denied' });
    // No loop: no retry was ever scheduled, and the server saw one handshake.
    expect(events.some((e) => e.retry)).toBe(false);
    expect(events.at(-1)).toMatchObject({ status: 'disconnected', error: { code: 'handshake_denied' } });
    expect(faye.received.filter((m) => m.channel === '/meta/handshake')).toHaveLength(1);
  });

  it('[CLI-17] cometd-nodejs-server refusing through its policy stops the client', async () => {
    const server = await startCometd();
    onCleanup(() => server.close());
    let handshakes = 0;
    server.cometd.policy = {
      canHandshake: (_session, _message, callback) => {
        handshakes++;
        callback(undefined, false);
      },
    };
    const events: StatusEvent[] = [];
    const client = createClient(server.url, { transports: ['long-polling'], onStatus: (e) => events.push(e) });
    onCleanup(() => client.disconnect());
    const error = await client.whenConnected().then(
      () => undefined,
      (e: KuiperClientError) => e,
    );
    expect(error?.code).toBe('handshake_denied');
    expect(error?.message).toMatch(/handshake refused by the server: 403::handshake_denied/);
    expect(client.status).toBe('disconnected');
    expect(events.some((e) => e.retry)).toBe(false);
    expect(handshakes).toBe(1);
  });
});
