/**
 * `useChat(room)` [REACT-11]: a room's chat (`room.chat`, CHAT-*) read through three cached
 * snapshots — the message window, who is typing, the read position — each re-rendering only when it
 * changes, plus the actions. Which messages are this user's is learned from the chat (`me()`, the
 * server's word, so it holds for messages sent before a reload: CHAT-12) and from the answers to this
 * user's own sends (known even before the join answered).
 */
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { ChatAuthor, ChatMessage, ChatSendOptions, RoomChat, Typer } from '../chat/types.js';
import type { RoomAssets } from '../client/assets.js';
import type { PresenceState } from '../core/presence-state.js';
import { useRoomIfAny } from './room-provider.js';

/** What the chat needs of a room: `Room` from `enterRoom` / `useRoom()` fits. */
export interface ChatRoom {
  readonly chat: RoomChat;
  readonly presence: PresenceState;
  /** Typing is announced only once this settles (the server counts us a member then). */
  readonly synced?: Promise<unknown>;
  /** [CHATUI-10] The room's pictures (`enterRoom(…, { assetsUrl })`): with them `<Chat>` sends pictures. */
  readonly assets?: RoomAssets | undefined;
}

export interface ChatApi {
  /** The loaded window, ascending; the same array until it changes. */
  readonly messages: readonly ChatMessage[];
  /** Other members typing now. */
  readonly typers: readonly Typer[];
  /** The last serial this user has read (0: none). */
  readonly readPosition: number;
  readonly unreadCount: number;
  /** The server answered this member's join: `messages` and `readPosition` are the room's, not placeholders. */
  readonly joined: boolean;
  /** True for a message this user wrote (edit and delete are offered for those only). */
  isMine(message: ChatMessage): boolean;
  /** [CHAT-15] True for this user's id (its reactions show as its own). */
  isMe(id: string): boolean;
  /** This member's author as the server decided it (CHAT-12), once the join answered. */
  readonly me: ChatAuthor | undefined;
  send(text: string, options?: ChatSendOptions): Promise<ChatMessage>;
  edit(serial: number, text: string): Promise<ChatMessage>;
  remove(serial: number): Promise<void>;
  /** [CHAT-15] Gives (`on`, the default) or takes back this user's emoji on a message. */
  react(serial: number, emoji: string, on?: boolean): Promise<ChatMessage>;
  typing(): void;
  /** Loads one older page; false when there is none. */
  loadOlder(): Promise<boolean>;
  markRead(serial: number): Promise<void>;
}

const NO_MESSAGES: readonly ChatMessage[] = Object.freeze([]);
const NO_TYPERS: readonly Typer[] = Object.freeze([]);
const never = (): (() => void) => () => undefined;

/** The chat of `room`, or of the `<RoomProvider>`'s room when no argument is given. */
export function useChat(room?: ChatRoom | null): ChatApi {
  const provided = useRoomIfAny() as ChatRoom | null | undefined;
  const target = (room === undefined ? provided : room) ?? null;
  const chat = target?.chat ?? null;
  // A typing notice sent before the room is entered was seen to silence this member's later ones
  // on the server (it is not a member yet); they are worth nothing before then anyway.
  const entered = useRef(false);
  useEffect(() => {
    entered.current = !target?.synced;
    let live = true;
    target?.synced?.then(
      () => live && (entered.current = true),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [target]);
  const messages = useSyncExternalStore(
    useCallback((onChange: () => void) => (chat ? chat.subscribe(() => onChange()) : never()), [chat]),
    useCallback(() => (chat ? chat.messages() : NO_MESSAGES), [chat]),
    () => NO_MESSAGES,
  );
  const typers = useSyncExternalStore(
    useCallback((onChange: () => void) => (chat ? chat.subscribeTypers(onChange) : never()), [chat]),
    useCallback(() => (chat ? chat.typers() : NO_TYPERS), [chat]),
    () => NO_TYPERS,
  );
  const subscribeRead = useCallback(
    (onChange: () => void) => {
      if (!chat) return never();
      // The unread count also moves with the window (a new message from someone else).
      const offs = [chat.subscribeRead(onChange), chat.subscribe(() => onChange())];
      return () => offs.forEach((off) => off());
    },
    [chat],
  );
  const readPosition = useSyncExternalStore(subscribeRead, useCallback(() => (chat ? chat.readPosition() : 0), [chat]), () => 0);
  const unreadCount = useSyncExternalStore(subscribeRead, useCallback(() => (chat ? chat.unreadCount() : 0), [chat]), () => 0);

  const me = useSyncExternalStore(
    useCallback((onChange: () => void) => (chat ? chat.subscribeMe(onChange) : never()), [chat]),
    useCallback((): ChatAuthor | undefined => chat?.me(), [chat]),
    () => undefined,
  );
  const myIds = useRef(new Set<string>());
  const learn = useCallback((message: ChatMessage) => {
    myIds.current.add(message.author.id);
    return message;
  }, []);
  const isMe = useCallback(
    // A new function once `me` is known, so the log re-renders and offers Edit on older own messages.
    (id: string) => id === me?.id || myIds.current.has(id),
    [me],
  );
  const isMine = useCallback((message: ChatMessage) => isMe(message.author.id), [isMe]);
  const noChat = useCallback(() => Promise.reject(new Error('useChat: the room has no chat yet')), []);

  return useMemo(
    () => ({
      messages,
      typers,
      readPosition,
      unreadCount,
      joined: me !== undefined,
      isMine,
      isMe,
      me,
      send: (text: string, options?: ChatSendOptions) => (chat ? chat.send(text, options).then(learn) : noChat()),
      edit: (serial: number, text: string) => (chat ? chat.edit(serial, text).then(learn) : noChat()),
      remove: (serial: number) => (chat ? chat.delete(serial) : noChat()),
      react: (serial: number, emoji: string, on?: boolean) => (chat ? chat.react(serial, emoji, on) : noChat()),
      typing: () => {
        if (entered.current) chat?.typing();
      },
      loadOlder: () => (chat ? chat.loadOlder() : Promise.resolve(false)),
      markRead: (serial: number) => (chat ? chat.markRead(serial) : Promise.resolve()),
    }),
    [chat, messages, typers, readPosition, unreadCount, me, isMine, isMe, learn, noChat],
  );
}
