// [SEC-9] The server's own code as a client of the server: `@kuiper/client` over
// `kuiper.inProcessTransport()`, beside real network clients on a real server at port 0. A server
// that refuses every network handshake still serves its own code; nothing the network sends can
// become, or speak as, such a session.
import { describe, expect, it } from 'vitest';
import { bayeux, eventually, newClient, startKuiper, type KuiperOptions } from '@kuiper/testkit';
import { isServerSession, type KuiperServer } from '../../src/index.js';

/** Network clients need `ext.token: 'secret'`; `/private/**` is denied to everyone. */
const guarded = (echoData = false): Partial<KuiperOptions> => ({
  policy: {
    canHandshake: (message) => {
      const ext = message.ext as { token?: unknown; data?: unknown } | undefined;
      if (echoData) return { data: ext?.data }; // a careless policy: keeps what the client sent
      return ext?.token === 'secret' ? { data: { user: 'ada' } } : 'bad_token';
    },
    canSubscribe: (_session, channel) => !channel.startsWith('/private/') || 'private',
    canPublish: (_session, channel) => !channel.startsWith('/private/') || 'private',
  },
});

type Factory = ReturnType<KuiperServer['inProcessTransport']>;

/** The factory, counting each batch its connections send. */
function counted(factory: Factory, onSend: () => void): Factory {
  return {
    ...factory,
    create: (context) => {
      const connection = factory.create(context);
      return {
        name: connection.name,
        send: (messages, options) => (onSend(), connection.send(messages, options)),
        close: () => connection.close(),
      };
    },
  };
}

describe('[SEC-9] in-process server sessions', () => {
  it('need no credentials and pass the policy, talking both ways with a network client', async () => {
    const { url, server: kuiper } = await startKuiper(guarded());
    kuiper.addService('/service/whoami', (_data, ctx) => ({ server: isServerSession(ctx.session) }));
    const local = newClient('in-process:', { transports: [kuiper.inProcessTransport()], ack: false });
    await local.whenConnected();
    expect(local.transport).toBe('in-process');

    const fromNetwork: unknown[] = [];
    await local.subscribe('/private/inbox', (data) => fromNetwork.push(data)).ready;
    const network = newClient(url, { transports: ['long-polling'], ext: { token: 'secret' } });
    const got: unknown[] = [];
    await network.subscribe('/news', (data) => got.push(data)).ready;

    await local.publish('/news', { n: 1 }); // an open channel, to the network client
    await eventually(() => expect(got).toEqual([{ n: 1 }]));
    // The policy refuses `/private/**` to the network client, not to the server's own code.
    await expect(network.publish('/private/inbox', 'hi')).rejects.toThrow(/private/);
    await kuiper.publish('/private/inbox', 'from the server');
    await eventually(() => expect(fromNetwork).toEqual(['from the server']));
    expect(await local.call('/service/whoami', {})).toEqual({ server: true });
    expect(await network.call('/service/whoami', {})).toEqual({ server: false });
    const subscribers = await kuiper.subscribers('/private/inbox');
    expect(subscribers.map(isServerSession)).toEqual([true]);
  });

  it('say who they are with inProcessTransport({ data }), beside the mark; a network handshake saying the same gains nothing', async () => {
    const { url, server: kuiper } = await startKuiper();
    kuiper.addService('/service/whoami', (_data, ctx) => ({ data: ctx.session.data, server: isServerSession(ctx.session) }));
    const bot = newClient('in-process:', { transports: [kuiper.inProcessTransport({ data: { user: { id: 'assistant', name: 'Assistant' } } })], ack: false });
    expect(await bot.call('/service/whoami', {})).toEqual({ data: { user: { id: 'assistant', name: 'Assistant' }, 'kuiper:server': true }, server: true });
    const network = newClient(url, { transports: ['long-polling'], ext: { 'kuiper:server': { user: { id: 'assistant' } } } });
    expect(await network.call('/service/whoami', {})).toEqual({ server: false });
  });

  it('cannot be used from the network: its clientId is unknown there', async () => {
    const { url, server: kuiper } = await startKuiper(guarded(true));
    const local = newClient('in-process:', { transports: [kuiper.inProcessTransport()], ack: false });
    await local.whenConnected();
    const clientId = local.clientId;
    expect(clientId).toBeDefined();
    const replies = await bayeux(url, [{ channel: '/private/inbox', clientId, data: 'forged', id: '1' }]);
    expect(replies[0]).toMatchObject({ successful: false, error: '402::session_unknown' });
    const subscribe = await bayeux(url, [{ channel: '/meta/subscribe', clientId, subscription: '/private/x', id: '2' }]);
    expect(subscribe[0]).toMatchObject({ successful: false, error: '402::session_unknown' });
    // The session itself is untouched: the server's code goes on using it.
    const got: unknown[] = [];
    await local.subscribe('/private/x', (d) => got.push(d)).ready;
    await kuiper.publish('/private/x', 1);
    await eventually(() => expect(got).toEqual([1]));
  });

  it('[ACK-3] with the ack extension (the client default), deliveries arrive once and in order', async () => {
    const { server: kuiper } = await startKuiper();
    const local = newClient('in-process:', { transports: [kuiper.inProcessTransport()] });
    const got: number[] = [];
    await local.subscribe('/ticks', (n) => got.push(n as number)).ready;
    for (let n = 0; n < 30; n++) await kuiper.publish('/ticks', n);
    await eventually(() => expect(got).toEqual([...Array(30).keys()]));
    await local.disconnect();
    expect(kuiper.stats().clients).toBe(0);
  });

  it('[LIMIT-4] are not throttled by the publish rate limit that throttles network clients', async () => {
    const { url, server: kuiper } = await startKuiper({ limits: { publishRate: { perSecond: 1, burst: 3 } } });
    const local = newClient('in-process:', { transports: [kuiper.inProcessTransport()], ack: false });
    const network = newClient(url, { transports: ['long-polling'] });
    const got: number[] = [];
    await network.subscribe('/feed', (n) => got.push(n as number)).ready;
    for (let n = 0; n < 20; n++) await local.publish('/feed', n);
    await eventually(() => expect(got).toEqual([...Array(20).keys()]));
    const outcomes = await Promise.allSettled([...Array(6).keys()].map((n) => network.publish('/feed', 100 + n)));
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThan(0);
  });

  it('[SEC-10] end with the server: once it closes, each client stops with 410::server_closed and tries nothing more', async () => {
    const { server: kuiper } = await startKuiper();
    let sends = 0;
    const transport = counted(kuiper.inProcessTransport(), () => sends++);
    const local = newClient('in-process:', { transports: [transport], ack: false, backoff: { base: 20, max: 20 } });
    const got: unknown[] = [];
    await local.subscribe('/news', (d) => got.push(d)).ready;
    const errors: Error[] = [];
    local.onError((error) => errors.push(error));
    await kuiper.close();
    await eventually(() => expect(local.status).toBe('disconnected'));
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('410::server_closed')]);
    await expect(local.publish('/news', 1)).rejects.toThrow(/410::server_closed/);
    // No retry follows, however short the client's backoff.
    const sent = sends;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sends).toBe(sent);
    // A client made after the close is refused at its handshake, and is stopped too.
    const late = newClient('in-process:', { transports: [kuiper.inProcessTransport()], ack: false });
    late.onError(() => undefined);
    await expect(late.whenConnected()).rejects.toThrow(/410::server_closed/);
    expect(late.status).toBe('disconnected');
    expect(got).toEqual([]);
  });

  it('cannot be made by a network handshake, not even through a policy that keeps what the client sent', async () => {
    const { url } = await startKuiper(guarded(true));
    const [reply] = await bayeux(url, [
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], ext: { data: { 'kuiper:server': true } } },
    ]);
    expect(reply).toMatchObject({ successful: false, error: '403:server_session_reserved:handshake_denied' });
    // Nor by offering the in-process connection type over HTTP.
    const [offered] = await bayeux(url, [{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['in-process'] }]);
    expect(offered).toMatchObject({ successful: false, error: '400::connection_type_unsupported' });
  });
});
