/**
 * Members on other nodes (COLLAB-28). A room has one authority, on the node where its first member
 * subscribed; a node without it forwards its members' messages, with the session it vouches for,
 * on a server-side channel the authority listens to. Clients may neither publish nor subscribe there
 * (`attachCollab` denies it), so the session in a relayed message is always a server's word.
 */
import type { SessionInfo } from '@kuiper/server';

/** Under a prefix of its own: never a room channel, so the room hooks never hear it. */
export const RELAY_PREFIX = '/kuiper-collab';

const RELAY_ROOMS = `${RELAY_PREFIX}/relay/`;

export const relayChannel = (room: string): string => `${RELAY_ROOMS}${room}`;

/** The room a relay channel carries for, else undefined. */
export const roomOfRelayChannel = (channel: string): string | undefined => (channel.startsWith(RELAY_ROOMS) ? channel.slice(RELAY_ROOMS.length) : undefined);

/** A member's message (`data`), or its leaving the room (`leave`), from another node. */
export type Relayed = { from: SessionInfo; data: unknown } | { from: SessionInfo; leave: true };

export function readRelayed(message: unknown): Relayed | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { from, data, leave } = message as Record<string, unknown>;
  if (typeof from !== 'object' || from === null || typeof (from as { clientId?: unknown }).clientId !== 'string') return undefined;
  const session: SessionInfo = { clientId: (from as { clientId: string }).clientId, data: (from as { data?: unknown }).data ?? null };
  return leave === true ? { from: session, leave: true } : { from: session, data };
}
