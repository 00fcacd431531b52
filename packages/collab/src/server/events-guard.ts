/**
 * The server's half of room events (EVENTS-2, EVENTS-3): only a member of a room (a subscriber of
 * its document channel) may subscribe or publish on `/rooms/<id>/events` (or subscribe to a pattern
 * that covers it), and every event is re-wrapped with the sender the session says it is, whatever
 * the body claims.
 */
import { reject, type Extension, type KuiperServer, type Message, type SessionInfo } from '@kuiper/server';
import { isValidRoomId, roomChannels, roomOfChannel } from '../protocol/channels.js';
import type { RoomEventSender, RoomEventWire } from '../client/room-events.js';

/** The room whose events channel this is, else undefined. */
function eventsRoom(channel: unknown): string | undefined {
  if (typeof channel !== 'string') return undefined;
  const room = roomOfChannel(channel);
  return room !== undefined && roomChannels(room).events === channel ? room : undefined;
}

/**
 * Whose events a subscription would hear: one room (its events channel, or `/rooms/<id>/*` and
 * `/rooms/<id>/**`), every room (`/rooms/**`), or none of them.
 */
function eventsCovered(channel: unknown): { room: string } | 'all' | undefined {
  if (typeof channel !== 'string') return undefined;
  if (channel === '/rooms/**') return 'all';
  const pattern = /^\/rooms\/([^/]+)\/\*\*?$/.exec(channel);
  const room = pattern ? pattern[1] : eventsRoom(channel);
  return room !== undefined && isValidRoomId(room) ? { room } : undefined;
}

function senderOf(session: SessionInfo): RoomEventSender {
  const user = (session.data as { user?: unknown } | null | undefined)?.user as { id?: unknown; name?: unknown } | undefined;
  if (user && typeof user.id === 'string') {
    return { connection: session.clientId, user: typeof user.name === 'string' ? { id: user.id, name: user.name } : { id: user.id } };
  }
  return { connection: session.clientId };
}

export function eventsGuard(kuiper: KuiperServer): Extension {
  const isMember = async (room: string, session: SessionInfo | undefined): Promise<boolean> =>
    session !== undefined && (await kuiper.subscribers(roomChannels(room).doc)).some((member) => member.clientId === session.clientId);
  return {
    name: 'collab-room-events',
    async incoming(message: Message, ctx) {
      if (message.channel === '/meta/subscribe') {
        const wanted: unknown[] = Array.isArray(message.subscription) ? message.subscription : [message.subscription];
        for (const channel of wanted) {
          const covered = eventsCovered(channel);
          // Every room's events at once is no member's to hear.
          if (covered === 'all' || (covered && !(await isMember(covered.room, ctx.session)))) return reject('subscribe_denied', [String(channel)]);
        }
        return message;
      }
      const room = eventsRoom(message.channel);
      if (room === undefined || !('data' in message)) return message;
      if (!ctx.session || !(await isMember(room, ctx.session))) return reject('publish_denied', [message.channel]);
      const wire: RoomEventWire = { v: 1, sender: senderOf(ctx.session), data: message.data };
      return { ...message, data: wire };
    },
  };
}
