/**
 * `<Chat room={room} />` [CHATUI-1…]: a drop-in chat for a room from `enterRoom` or `useRoom()`.
 * Pure presentation over `useChat` (REACT-11) and the room's presence; styled by one scoped style
 * sheet (`.kuiper-chat-*`) and CSS variables, so it leaks nothing into the page.
 */
import { useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import type { ChatMessage, Typer } from '../../chat/types.js';
import { useChat, type ChatRoom } from '../use-chat.js';
import { CHAT_CLASS, CHAT_CSS } from './chat-styles.js';
import { ChatSearch } from './chat-search.js';
import { Composer } from './composer.js';
import { authorName } from './labels.js';
import { MessageLog } from './message-log.js';
import { CHAT_REACTIONS } from './reactions.js';
import { presenceName, useOthers, WhoIsHere } from './who-is-here.js';

export interface ChatProps {
  readonly room: ChatRoom;
  /** Extra class on the root, next to `kuiper-chat`. */
  readonly className?: string;
  /** Inline style on the root: set `--kuiper-chat-*` variables here to theme one chat. */
  readonly style?: CSSProperties;
  /**
   * [CHATUI-8] A viewer's chat (a member `authorize` grants `{ canWrite: false }`, whose sends the
   * server refuses): the messages, who is typing and who is here, with no message box and no edits.
   */
  readonly readOnly?: boolean;
  /** [CHATUI-12] The emoji a message's `React` button offers (default 👍 ❤️ 😂 🎉 😮 👀; `[]`: no button, chips still toggle). */
  readonly reactions?: readonly string[];
}

/** "Ada is typing…", "Ada and Bob are typing…", "3 people are typing…". */
export function typingLine(typers: readonly Typer[]): string {
  const names = [...new Set(typers.map((t) => authorName(t.author)))];
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

const NOBODYS = (): boolean => false;

export function Chat({ room, className, style, readOnly = false, reactions = CHAT_REACTIONS }: ChatProps): ReactNode {
  const chat = useChat(room);
  const [error, setError] = useState<string | undefined>(undefined);
  const [replyTo, setReplyTo] = useState<ChatMessage | undefined>(undefined);
  // [CHATUI-16] A search result to bring into view in the log (a new object each press, so the same one twice jumps twice).
  const [show, setShow] = useState<{ serial: number } | undefined>(undefined);
  // [CHATUI-15] Who `@` offers: the others here, by their presence name.
  const others = useOthers(room.presence);
  // Not this user's own name: another tab of theirs is among the others.
  const myPresenceName = presenceName(room.presence.get(), '');
  const people = useMemo(() => [...new Set(others.map((entry) => presenceName(entry.state, '')).filter((name) => name !== '' && name !== myPresenceName))], [others, myPresenceName]);
  const readAll = (): void => {
    const last = chat.messages[chat.messages.length - 1];
    if (last && last.serial > chat.readPosition) chat.markRead(last.serial).catch(() => undefined);
  };
  return (
    <section
      className={className ? `${CHAT_CLASS} ${className}` : CHAT_CLASS}
      style={style}
      aria-label={chat.unreadCount > 0 ? `Chat, ${chat.unreadCount} unread` : 'Chat'}
      onFocus={readAll}
    >
      <style>{CHAT_CSS}</style>
      <ChatSearch chat={room.chat} onShow={(serial) => setShow({ serial })} />
      <MessageLog
        show={show}
        messages={chat.messages}
        readPosition={chat.readPosition}
        joined={chat.joined}
        isMine={readOnly ? NOBODYS : chat.isMine}
        loadOlder={chat.loadOlder}
        edit={chat.edit}
        remove={chat.remove}
        onError={setError}
        onReadAll={readAll}
        imageUrl={room.assets?.url}
        react={readOnly ? undefined : chat.react}
        reactions={reactions}
        isMe={chat.isMe}
        reply={readOnly ? undefined : setReplyTo}
        myNames={[chat.me?.name, myPresenceName]}
      />
      <div className={`${CHAT_CLASS}-typing`} aria-live="polite">
        {typingLine(chat.typers)}
        {error && (
          <span className={`${CHAT_CLASS}-error`} role="alert">
            {` ${error}`}
          </span>
        )}
      </div>
      {readOnly ? (
        <p className={`${CHAT_CLASS}-read-only`}>You can read this chat, not write in it.</p>
      ) : (
        <Composer
          send={(text, options) => chat.send(text, options).then((sent) => chat.markRead(sent.serial).catch(() => undefined))}
          typing={chat.typing}
          onError={setError}
          assets={room.assets}
          replyTo={replyTo}
          setReplyTo={setReplyTo}
          people={people}
        />
      )}
      <WhoIsHere presence={room.presence} />
    </section>
  );
}
