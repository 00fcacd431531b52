/** One message: author, time, text (or "Message deleted"), its reactions, React, and for one's own, Edit and Delete. */
import { useRef, useState, type ReactNode } from 'react';
import type { ChatMessage, ChatReplyTo } from '../../chat/types.js';
import { CHAT_CLASS } from './chat-styles.js';
import { authorName, quoteLine } from './labels.js';
import { ReactIcon, ReplyIcon } from './message-icons.js';
import { ReactionChips, ReactionPicker } from './reactions.js';

export interface MessageItemProps {
  readonly message: ChatMessage;
  readonly mine: boolean;
  edit(serial: number, text: string): Promise<unknown>;
  remove(serial: number): Promise<unknown>;
  onError(message: string): void;
  /** [CHATUI-10] Where the message's pictures are drawn from (`room.assets.url`). */
  imageUrl?: ((src: string) => string | undefined) | undefined;
  /** [CHATUI-12] Gives or takes back this user's emoji; absent for a reader who may not write. */
  react?: ((serial: number, emoji: string, on: boolean) => Promise<unknown>) | undefined;
  /** [CHATUI-12] The emoji the `React` button offers (none: no button). */
  reactions?: readonly string[] | undefined;
  /** [CHATUI-12] Whether a user id is this user's (its reactions show pressed). */
  isMe?: ((id: string) => boolean) | undefined;
  /**
   * [CHATUI-13] Whether its controls are in the Tab order: the log makes one message's so (the
   * last, or the one last focused) and reaches the others with the arrow keys.
   */
  tabbable?: boolean | undefined;
  /** The focus came into the message. */
  onFocusIn?: ((serial: number) => void) | undefined;
  /** [CHATUI-14] Starts a reply to the message (absent: no Reply button). */
  reply?: ((message: ChatMessage) => void) | undefined;
  /** [CHATUI-14] The answered message as the log holds it now, if loaded (its quote shows its latest state). */
  quoted?: ((serial: number) => ChatMessage | undefined) | undefined;
  /** [CHATUI-14] Brings the answered message into view. */
  showMessage?: ((serial: number) => void) | undefined;
  /** [CHATUI-15] Someone else's message that @mentions this reader: it stands out, and says so. */
  mentionsMe?: boolean | undefined;
}

const NOBODY = (): boolean => false;

/** A thrown value's message: errors here are Errors or CollabError values. */
export function describeError(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

/** A message's time as the log shows it, 24-hour `HH:MM`. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

export function MessageItem(props: MessageItemProps): ReactNode {
  const { message, mine, edit, remove, onError, imageUrl, react, reactions = [], isMe = NOBODY, tabbable = true, onFocusIn, reply } = props;
  const tab = tabbable ? 0 : -1;
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [picking, setPicking] = useState(false);
  const reactButton = useRef<HTMLButtonElement>(null);
  const author = authorName(message.author);
  const save = (): void => {
    const text = editing?.trim() ?? '';
    if (text === '' && !message.images) return; // a message with pictures may lose its text (CHAT-14)
    // Closed at once, as the composer empties at once: a second Enter cannot send the edit twice,
    // and nothing typed after it is dropped when the answer comes. Refused, it opens again with the text.
    setEditing(undefined);
    edit(message.serial, text).catch((error: unknown) => {
      onError(`Not edited: ${describeError(error)}`);
      setEditing((now) => now ?? text);
    });
  };
  const editable = mine && !message.deleted && editing === undefined;
  const toggle =
    react && !message.deleted
      ? (emoji: string, on: boolean): void =>
          void react(message.serial, emoji, on).catch((error: unknown) => onError(`Not ${on ? 'added' : 'taken back'}: ${describeError(error)}`))
      : undefined;
  const offersReact = toggle !== undefined && reactions.length > 0;
  // The header carries the actions, so they sit at the same place (the line's end) on every message,
  // short or long; under the text they wrapped with it and moved from message to message.
  return (
    <article className={`${CHAT_CLASS}-message`} aria-label={`${author} at ${clock(message.sentAt)}${props.mentionsMe ? ', mentions you' : ''}`} data-serial={message.serial}
      data-mention={props.mentionsMe ? '' : undefined} onFocus={() => onFocusIn?.(message.serial)}>
      <div className={`${CHAT_CLASS}-head`}>
        <span className={`${CHAT_CLASS}-author`} title={author}>{author}</span>
        <time className={`${CHAT_CLASS}-time`} dateTime={new Date(message.sentAt).toISOString()} title={new Date(message.sentAt).toLocaleString()}>
          {clock(message.sentAt)}
        </time>
        {!message.deleted && message.editedAt !== undefined && <span className={`${CHAT_CLASS}-meta`}>(edited)</span>}
        {(editable || offersReact || (reply && !message.deleted)) && (
          <span className={`${CHAT_CLASS}-actions`}>
            {offersReact && (
              <button
                ref={reactButton}
                className={`${CHAT_CLASS}-button`}
                type="button"
                tabIndex={tab}
                data-roving=""
                aria-label={`React to message: ${message.text}`}
                aria-expanded={picking}
                title="React"
                data-icon=""
                onClick={() => setPicking((open) => !open)}
              >
                <ReactIcon />
              </button>
            )}
            {reply && !message.deleted && (
              <button className={`${CHAT_CLASS}-button`} type="button" tabIndex={tab} data-roving="" data-icon="" title="Reply" aria-label={`Reply to message: ${message.text}`} onClick={() => reply(message)}>
                <ReplyIcon />
              </button>
            )}
            {editable && (
              <>
                <button className={`${CHAT_CLASS}-button`} type="button" tabIndex={tab} data-roving="" aria-label={`Edit message: ${message.text}`} onClick={() => setEditing(message.text)}>
                  Edit
                </button>
                <button
                  className={`${CHAT_CLASS}-button`}
                  type="button"
                  tabIndex={tab}
                  data-roving=""
                  aria-label={`Delete message: ${message.text}`}
                  onClick={() => void remove(message.serial).catch((error: unknown) => onError(`Not deleted: ${describeError(error)}`))}
                >
                  Delete
                </button>
              </>
            )}
          </span>
        )}
      </div>
      {!message.deleted && message.replyTo && <Quote quote={message.replyTo} now={props.quoted?.(message.replyTo.serial)} show={props.showMessage} tabIndex={tab} />}
      {message.deleted ? (
        <div className={`${CHAT_CLASS}-deleted`}>Message deleted</div>
      ) : editing !== undefined ? (
        <div className={`${CHAT_CLASS}-edit`}>
          <textarea
            className={`${CHAT_CLASS}-input`}
            aria-label="Edit message"
            value={editing}
            autoFocus
            onChange={(event) => setEditing(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                save();
              } else if (event.key === 'Escape') setEditing(undefined);
            }}
          />
          <span className={`${CHAT_CLASS}-actions`}>
            <button className={`${CHAT_CLASS}-button`} type="button" data-primary="" onClick={save}>
              Save
            </button>
            <button className={`${CHAT_CLASS}-button`} type="button" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </span>
        </div>
      ) : (
        message.text !== '' && <div className={`${CHAT_CLASS}-text`}>{message.text}</div>
      )}
      {!message.deleted && message.images && <Pictures images={message.images} author={author} imageUrl={imageUrl} tabIndex={tab} />}
      {!message.deleted && message.reactions && <ReactionChips reactions={message.reactions} isMe={isMe} toggle={toggle} tabIndex={tab} />}
      {picking && offersReact && (
        <ReactionPicker
          choices={reactions}
          pick={(emoji) => {
            setPicking(false);
            reactButton.current?.focus();
            // As its chip: picking an emoji this user already gave takes it back.
            toggle?.(emoji, !message.reactions?.some((r) => r.emoji === emoji && r.users.some((u) => isMe(u.id))));
          }}
          close={() => {
            setPicking(false);
            reactButton.current?.focus();
          }}
        />
      )}
    </article>
  );
}

/** [CHATUI-14] The quote of the message a reply answers: its latest state when loaded; pressing it shows it. */
function Quote({ quote, now, show, tabIndex }: { quote: ChatReplyTo; now: ChatMessage | undefined; show: MessageItemProps['showMessage']; tabIndex: number }): ReactNode {
  const name = authorName(now?.author ?? quote.author);
  const shown = quoteLine(now ?? quote);
  return (
    <button className={`${CHAT_CLASS}-quote`} type="button" tabIndex={tabIndex} data-roving="" aria-label={`In reply to ${name}: ${shown}`} title="Show the message" onClick={() => show?.(quote.serial)}>
      <span className={`${CHAT_CLASS}-author`}>{name}</span> <span className={`${CHAT_CLASS}-quote-text`}>{shown}</span>
    </button>
  );
}

/** [CHATUI-10] A message's pictures, each opening full size in a new tab; without a URL, a word for it. */
function Pictures({ images, author, imageUrl, tabIndex }: { images: readonly string[]; author: string; imageUrl: MessageItemProps['imageUrl']; tabIndex: number }): ReactNode {
  return (
    <div className={`${CHAT_CLASS}-images`}>
      {images.map((src, i) => {
        const url = imageUrl?.(src);
        const alt = `Picture ${i + 1} from ${author}`;
        return url ? (
          <a key={src} href={url} target="_blank" rel="noopener noreferrer" tabIndex={tabIndex} data-roving="">
            <img src={url} alt={alt} loading="lazy" />
          </a>
        ) : (
          <span key={src} className={`${CHAT_CLASS}-meta`}>[{alt}]</span>
        );
      })}
    </div>
  );
}
