/**
 * `room.chat` over a Kuiper client (CHAT-5): requests by `call` on `/service/rooms/<id>/chat`,
 * events from `/rooms/<id>/chat`. It joins once both that subscription and the document's are in
 * (the server answers members only), and again on a new server session, refilling its window.
 */
import { roomChannels } from '../protocol/channels.js';
import type { CollabError } from '../protocol/errors.js';
import { chatServiceChannel } from './chat-wire.js';
import { ChatClient, type RoomChatOptions } from './room-chat.js';
import type { RoomChat } from './types.js';

/** What chat needs of a client: `@kuiper/client`'s `KuiperClient` fits as is. */
export interface ChatClientLike {
  subscribe(channel: string, handler: (data: unknown) => void): { readonly ready: Promise<unknown>; unsubscribe(): unknown };
  onSession(listener: (event: { readonly clientId: string; readonly resumed: boolean }) => void): () => void;
  call?(channel: string, data: unknown): Promise<unknown>;
  readonly clientId?: string | undefined;
}

export interface EnteredChat {
  readonly chat: RoomChat;
  /** [CHAT-5] Broadcasts may have been lost on the same session: fetch what came after the newest. */
  catchUp(): void;
  leave(): void;
}

export function enterChat(client: ChatClientLike, roomId: string, memberReady: Promise<unknown>, options: RoomChatOptions & { onError: (e: CollabError) => void }): EnteredChat {
  const chat = new ChatClient(
    {
      call: (request) => (client.call ? client.call(chatServiceChannel(roomId), request) : Promise.reject(new Error('this client has no call() for services'))),
      clientId: () => client.clientId,
    },
    options,
  );
  let started = false;
  /** The session the chat joined on: its own first `onSession` is no new session to it. */
  let startedIn: string | undefined;
  let left = false;
  // A client that cannot call services (a test double, a bare transport) has no chat: its calls
  // reject with send_failed, and nothing is subscribed or reported in the background.
  if (!client.call) return { chat, catchUp: () => undefined, leave: () => chat.stop() };
  const subscription = client.subscribe(roomChannels(roomId).chat, (data) => chat.receive(data));
  Promise.all([memberReady, subscription.ready]).then(
    () => {
      if (left) return;
      started = true;
      startedIn = client.clientId;
      void chat.start();
    },
    () => undefined, // the room's own `synced` reports a refused subscribe
  );
  // [CHAT-5] A new session: broadcasts missed meanwhile are fetched, the window refilled in place.
  const offSession = client.onSession(({ clientId, resumed }) => {
    const first = startedIn;
    startedIn = undefined;
    // The subscribes go right behind the handshake (client CLI-39), so the chat may have joined on
    // this very session before the client reported it connected.
    if (!started || left || resumed || first === clientId) return;
    chat.reset();
    void chat.start();
  });
  return {
    chat,
    catchUp: () => {
      if (started && !left) chat.catchUp();
    },
    leave: () => {
      if (left) return;
      left = true;
      chat.stop();
      offSession();
      void Promise.resolve(subscription.unsubscribe()).catch(() => undefined);
    },
  };
}
