/**
 * Ephemeral room events (EVENTS-1…3): whatever a member broadcasts on `/rooms/<id>/events` reaches
 * the room's other members now and is stored nowhere (a reaction, a "look here", a ping). The server
 * stamps each one with the sender's session, so the sender is never what the body claims.
 */
import { Listeners } from '../core/listeners.js';
import { collabError, describeThrown, type CollabError } from '../protocol/errors.js';

/** Who sent an event, as the server vouches for it. */
export interface RoomEventSender {
  /** The sender's connection (its client id). */
  readonly connection: string;
  /** The session's user (`data.user` of the handshake, when it is `{ id, name? }`). */
  readonly user?: { readonly id: string; readonly name?: string };
}

export interface RoomEvent<T = unknown> {
  readonly data: T;
  readonly sender: RoomEventSender;
}

export interface RoomEvents {
  /** Sends `data` to the room's other members; rejects if the server refused it (not a member). */
  broadcast(data: unknown): Promise<void>;
  /** Every event another member broadcasts while subscribed; the channel is listened to only while someone is. */
  subscribe(fn: (event: RoomEvent) => void): () => void;
}

/** What the server delivers on the events channel: the body wrapped with the sender it knows. */
export interface RoomEventWire {
  readonly v: 1;
  readonly sender: RoomEventSender;
  readonly data: unknown;
}

export function isRoomEventWire(value: unknown): value is RoomEventWire {
  if (typeof value !== 'object' || value === null) return false;
  const wire = value as Partial<RoomEventWire>;
  const sender = wire.sender as Partial<RoomEventSender> | undefined;
  return wire.v === 1 && 'data' in wire && typeof sender === 'object' && sender !== null && typeof sender.connection === 'string';
}

export interface RoomEventsHost {
  subscribe(channel: string, handler: (data: unknown) => void): { unsubscribe(): unknown };
  publish(channel: string, data: unknown): Promise<unknown>;
  /** This member's connection, to leave its own events out. */
  self(): string | undefined;
  /** Settles once the member's document subscription is acknowledged: the server admits only members. */
  readonly entered: Promise<void>;
  onError(error: CollabError): void;
}

export function createRoomEvents(channel: string, host: RoomEventsHost): RoomEvents & { close(): void } {
  const listeners = new Listeners<RoomEvent>();
  let count = 0;
  let closed = false;
  let subscription: { unsubscribe(): unknown } | undefined;
  let wanted = false;

  const receive = (data: unknown): void => {
    if (!isRoomEventWire(data)) return host.onError(collabError('message_invalid', `${channel}: an event without the server's sender`));
    if (data.sender.connection === host.self()) return; // our own broadcast, echoed
    listeners.emit({ data: data.data, sender: data.sender });
  };
  // Listening is lazy: a room nobody asks for events of receives none of them.
  const update = (): void => {
    if (wanted && !subscription && !closed) subscription = host.subscribe(channel, receive);
    if ((!wanted || closed) && subscription) {
      void Promise.resolve(subscription.unsubscribe()).catch(() => undefined);
      subscription = undefined;
    }
  };
  // After the document subscription: before it, the server does not know us as a member.
  let entered = false;
  host.entered.then(
    () => {
      entered = true;
      update();
    },
    () => undefined,
  );

  return {
    broadcast: async (data) => {
      if (closed) throw collabError('send_failed', `${channel}: the room was left`);
      await host.entered;
      // Errors are values (COLLAB-12): the server's refusal becomes a CollabError saying why.
      await host.publish(channel, data).catch((thrown: unknown) => {
        throw collabError('send_failed', `${channel}: ${describeThrown(thrown)}`);
      });
    },
    subscribe(fn) {
      const off = listeners.subscribe(fn);
      count++;
      wanted = true;
      if (entered) update();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        off();
        wanted = --count > 0;
        update();
      };
    },
    close() {
      closed = true;
      update();
    },
  };
}
