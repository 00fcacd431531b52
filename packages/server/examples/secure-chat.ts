// A chat server with a token check, a per-room authorizer, tighter limits and a service.
import { createServer } from 'node:http';
import { createKuiperServer } from '@kuiper/server';

export async function startSecureChat(port = 0) {
  const tokens = new Map([['t-ada', { user: 'ada', rooms: ['lobby'] }]]);

  const kuiper = createKuiperServer({
    path: '/bayeux',
    policy: {
      // Credentials come in the handshake's ext; the returned data stays with the session.
      canHandshake: (m) => {
        const who = tokens.get(String(m.ext?.['token']));
        return who ? { data: who } : 'invalid_token';
      },
      // Re-checked on every connect/subscribe/publish: revoking the token ends the session.
      checkSession: (s) => tokens.has(`t-${(s.data as { user: string }).user}`) || 'token_revoked',
    },
    limits: { maxMessageBytes: 16 * 1024, publishRate: { perSecond: 20, burst: 40 }, maxQueue: 1000 },
  });

  // Only members may subscribe to or publish in a room; any deny wins.
  kuiper.authorize('/chat/**', (_op, channel, session) => {
    const rooms = (session.data as { rooms: string[] }).rooms;
    return rooms.includes(channel.split('/')[2] ?? '') ? 'grant' : { deny: 'not_a_member' };
  });

  // A service answers the caller only.
  kuiper.addService('/service/whoami', (_data, ctx) => ({ clientId: ctx.clientId }));

  kuiper.on('session:removed', (e) => console.log(`session ${e.clientId} gone (${e.reason})`));

  const http = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  kuiper.attach(http);
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const address = http.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}/bayeux`,
    revoke: (token: string) => tokens.delete(token),
    close: async () => {
      await kuiper.close();
      await new Promise((r) => http.close(r));
    },
  };
}
