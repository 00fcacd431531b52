/**
 * Chat over a Kuiper server (CHAT-1…9): the thin adapter around ChatService and TypingBoard.
 * Requests arrive with `call` on `/service/rooms/<id>/chat` on whichever node the member reached;
 * that node answers them itself against the shared store, which gives the serials (CHAT-4) — so a
 * send needs no hop to the room's authority and keeps working while a dead authority is replaced.
 * Typing is ephemeral and room-wide: the authority keeps it, other nodes relay it there (COLLAB-28).
 */
import { isServerSession, reject, type Extension, type KuiperServer, type SessionInfo } from '@kuiper/server';
import { roomChannels, roomOfChannel } from '../protocol/channels.js';
import { collabError, type CollabError } from '../protocol/errors.js';
import type { MemberGrant } from '../core/room-authority.js';
import type { AssetStore, ChatStore } from '../core/store.js';
import { ChatService, chatAuthor, type ChatCaller } from '../chat/chat-service.js';
import { answerError, answerOk, chatBroadcast, chatServiceChannel, parseChatRequest, type ChatBroadcast } from '../chat/chat-wire.js';
import { TypingBoard } from '../chat/typing-board.js';
import { ClientRooms } from './client-rooms.js';
import type { ModerateHook } from '../chat/types.js';
import { relayChannel } from './relay.js';

export interface ChatOptions {
  /** [CHAT-7] Asked before a message or an edit is stored: `{ text }` rewrites it, `{ reject }` refuses it. */
  moderate?: ModerateHook;
  /** [CHAT-8] How long a typing notice lasts (default 3000 ms). */
  typingTimeoutMs?: number;
  /** Longest chat text (default 4000). */
  maxChatLength?: number;
}

interface ChatAdapterOptions extends ChatOptions {
  store: ChatStore & Pick<AssetStore, 'hasAssets'>;
  authorize: (room: string, session: SessionInfo) => MemberGrant | Promise<MemberGrant>;
  report: (error: unknown) => void;
  /** Whether this node is the room's authority (between `opened` and `closed`). */
  hosts: (room: string) => boolean;
}

export interface ChatAdapter {
  /** [CHAT-1] Refuses clients' publishes on `/rooms/<id>/chat`: only the server speaks there, so no one can forge an author. */
  readonly guard: Extension;
  /** The answer to a request on `/service/rooms/<id>/chat`, or undefined for another channel. */
  service(channel: string, data: unknown, session: SessionInfo): Promise<unknown> | undefined;
  /** A relayed message meant for chat (typing), handled by the authority; false for anything else. */
  relayed(room: string, from: SessionInfo, data: unknown): boolean;
  /** This node became / stopped being the room's authority. */
  opened(room: string): void;
  closed(room: string): void;
  /** A session left the room (or every room): it stops typing, its admission is forgotten. */
  left(clientId: string, room?: string): void;
}

/** The server's own session's grant in every room (COLLAB-42). */
const SERVER_GRANT: MemberGrant = Object.freeze({ canWrite: true });

const isTyping = (data: unknown): boolean => typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'chat-typing';

export function attachChat(kuiper: KuiperServer, options: ChatAdapterOptions): ChatAdapter {
  const service = new ChatService(options);
  // The typing boards of rooms this node is the authority of, made when someone first types there:
  // most rooms never see a typing notice (an idle room kept a board, its options and a closure, then
  // an entry here: whether the node hosts a room is asked of `hosts`, COLLAB-39).
  const boards = new Map<string, TypingBoard>();
  const { hosts } = options;
  // Per `room clientId`: its caller (authorize is asked once per session and room on this node),
  // kept as the settled caller once known: a settled promise per member of every idle room was
  // ~40 bytes of heap kept for nothing.
  const callers = new Map<string, Promise<ChatCaller | CollabError> | ChatCaller>();
  /** The rooms each session has a caller in (and so may be typing in): what it leaves. */
  const callerRooms = new ClientRooms();
  const publish = (room: string, b: ChatBroadcast): Promise<void> => kuiper.publish(roomChannels(room).chat, chatBroadcast(b)).then(() => undefined, options.report);

  const caller = (room: string, session: SessionInfo): Promise<ChatCaller | CollabError> | ChatCaller => {
    const key = `${room} ${session.clientId}`;
    let found = callers.get(key);
    if (!found) {
      const asked = (async (): Promise<ChatCaller | CollabError> => {
        // [CHAT-1] Only a member of the room (a subscriber of its document, on any node) chats in it.
        const members = await kuiper.subscribers(roomChannels(room).doc);
        if (!members.some((m) => m.clientId === session.clientId)) return collabError('not_a_member', `${session.clientId} has not entered room ${room}`);
        // [COLLAB-42] The server's own session (openDocument) is not the app's to authorize.
        const grant = isServerSession(session) ? SERVER_GRANT : await options.authorize(room, session);
        return { author: chatAuthor(grant.user, session.data, session.clientId), canWrite: grant.canWrite === true };
      })().catch((thrown: unknown) => {
        options.report(thrown);
        return collabError('not_a_member', `${session.clientId} was not admitted to room ${room}`);
      });
      callers.set(key, (found = asked));
      callerRooms.add(session.clientId, room);
      // A refusal is not remembered: the member may be subscribing right now.
      void asked.then((c) => {
        if (callers.get(key) !== asked) return;
        if ('code' in c) callers.delete(key);
        else callers.set(key, c);
      });
    }
    return found;
  };

  const boardOf = (room: string): TypingBoard => {
    let board = boards.get(room);
    if (!board) boards.set(room, (board = new TypingBoard({ timeoutMs: options.typingTimeoutMs, onChange: (typers) => void publish(room, { type: 'typing', typers }) })));
    return board;
  };

  const typing = async (room: string, session: SessionInfo): Promise<void> => {
    const who = await caller(room, session);
    if (hosts(room) && !('code' in who) && who.canWrite) boardOf(room).typing(session.clientId, who.author);
  };

  const answer = async (room: string, data: unknown, session: SessionInfo): Promise<unknown> => {
    const request = parseChatRequest(data);
    if (!request.ok) return answerError(request.error);
    const who = await caller(room, session);
    if ('code' in who) return answerError(who);
    if (request.value.type === 'chat-typing') {
      if (!who.canWrite) return answerError(collabError('read_only', `${who.author.id} may read room ${room} but not chat in it`));
      if (hosts(room)) await typing(room, session);
      else await kuiper.publish(relayChannel(room), { from: { clientId: session.clientId, data: session.data ?? null }, data }); // to the authority
      return answerOk({});
    }
    const outcome = await service.handle(room, who, request.value);
    if (!outcome.ok) return answerError(outcome.error);
    // Published before the answer leaves: by the time send() resolves, every node has it to deliver.
    if (outcome.value.broadcast) await publish(room, outcome.value.broadcast);
    if (outcome.value.broadcast?.type === 'message') boards.get(room)?.stop(session.clientId); // it sent what it typed
    return outcome.value.answer;
  };

  return {
    guard: {
      name: 'collab-chat-guard',
      incoming: (message) => {
        const room = 'data' in message ? roomOfChannel(message.channel) : undefined;
        return room !== undefined && roomChannels(room).chat === message.channel ? reject('publish_denied', [message.channel]) : message;
      },
    },
    service: (channel, data, session) => {
      const room = roomOfChannel(channel);
      return room !== undefined && channel === chatServiceChannel(room) ? answer(room, data, session) : undefined;
    },
    relayed: (room, from, data) => {
      if (!isTyping(data)) return false;
      void typing(room, from).catch(options.report);
      return true;
    },
    opened: (room) => {
      boards.get(room)?.close(); // a board left from before is not this opening's
      boards.delete(room); // its board is made when someone first types
    },
    closed: (room) => {
      boards.get(room)?.close();
      boards.delete(room);
    },
    left: (clientId, room) => {
      for (const r of callerRooms.leaving(clientId, room)) {
        boards.get(r)?.stop(clientId);
        callers.delete(`${r} ${clientId}`);
      }
    },
  };
}
