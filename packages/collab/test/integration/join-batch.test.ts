// [COLLAB-24] A joining member's sync step 1 goes right behind its subscribes, and a client not yet
// connected sends all of it right behind its Bayeux handshake (client CLI-39).
import { describe, expect, it } from 'vitest';
import { newClient, onCleanup } from '@kuiper/testkit';
import { getTransport, type Message, type TransportFactory } from '@kuiper/client';
import { enterRoom } from '../../src/index.js';
import { member, startCollab, text } from './helpers.js';

/** The websocket transport, with every batch the client sends and every one it receives written down. */
function recordedWebSocket(): { factory: TransportFactory; log: { way: 'out' | 'in'; channels: string[] }[] } {
  const inner = getTransport('websocket');
  if (!inner) throw new Error('no websocket transport');
  const log: { way: 'out' | 'in'; channels: string[] }[] = [];
  const channels = (messages: Message[]): string[] => messages.map((m) => m.channel);
  const factory: TransportFactory = {
    name: inner.name,
    isUsable: (env, url) => inner.isUsable(env, url),
    create(context) {
      const t = inner.create({ ...context, receive: (messages) => (log.push({ way: 'in', channels: channels(messages) }), context.receive(messages)) });
      return { name: t.name, send: (messages, options) => (log.push({ way: 'out', channels: channels(messages) }), t.send(messages, options)), close: () => t.close() };
    },
  };
  return { factory, log };
}

describe('joining in one round trip behind the handshake', () => {
  it('[COLLAB-24] [COLLAB-3] a late joiner sends its subscribes, sync step 1 and presence in one batch behind the handshake, before the first connect is answered, and gets the full state', async () => {
    const { url } = await startCollab();
    const ada = member(url, 'room-j').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'written before the joiner came');
    await ada.flush();

    const { factory, log } = recordedWebSocket();
    const client = newClient(url, { transports: [factory], ack: false });
    const late = enterRoom(client, 'room-j', { presence: { name: 'Bob' } });
    onCleanup(() => late.leave());
    await late.synced;
    expect(text(late)).toBe('written before the joiner came');

    const outs = log.filter((e) => e.way === 'out');
    expect(outs[0]?.channels).toEqual(['/meta/handshake']);
    // Right behind the handshake: every subscription of the room, then sync step 1 and presence.
    const early = outs[1]?.channels ?? [];
    expect(early.filter((c) => c === '/meta/subscribe').length).toBeGreaterThanOrEqual(2);
    expect(early.slice(-2)).toEqual(['/service/rooms/room-j/sync', '/service/rooms/room-j/presence']);
    expect(outs[2]?.channels).toEqual(['/meta/connect']);
    // Sync step 1 is not sent again when the connect is answered.
    expect(outs.flatMap((e) => e.channels).filter((c) => c === '/service/rooms/room-j/sync')).toHaveLength(1);
  });
});
