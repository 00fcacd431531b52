/**
 * The text box and Send: Enter sends, Shift+Enter breaks the line, typing tells the others. With the
 * room's assets [CHATUI-10], a picture pasted into the box or picked with the Picture button is
 * made to fit (CHATUI-11), uploaded at once and shown above it, to go with the next message (up to
 * MAX_CHAT_IMAGES).
 */
import { useEffect, useId, useRef, useState, type ClipboardEvent, type Dispatch, type KeyboardEvent, type ReactNode, type SetStateAction } from 'react';
import { MAX_CHAT_IMAGES } from '../../chat/chat-wire.js';
import type { ChatMessage, ChatSendOptions } from '../../chat/types.js';
import type { RoomAssets } from '../../client/assets.js';
import { PictureIcon } from '../picture-icon.js';
import { chatPicture } from './chat-picture.js';
import { CHAT_CLASS } from './chat-styles.js';
import { authorName, quoteLine } from './labels.js';
import { describeError } from './message-item.js';
import { mentionChoices, mentionQuery, withMention } from './mentions.js';

export interface ComposerProps {
  send(text: string, options?: ChatSendOptions): Promise<unknown>;
  typing(): void;
  /** A send refused: why; `undefined` when the user sends again (the last reason stays until then). */
  onError(message: string | undefined): void;
  /** [CHATUI-10] Where pictures go; without it the composer takes text only. */
  assets?: RoomAssets | undefined;
  /** [CHATUI-14] The message the next one answers, set by a message's Reply; cleared when it goes. */
  replyTo?: ChatMessage | undefined;
  setReplyTo?: Dispatch<SetStateAction<ChatMessage | undefined>> | undefined;
  /** [CHATUI-15] The names `@` offers: the others here. */
  people?: readonly string[] | undefined;
}

const isPicture = (file: File): boolean => file.type.startsWith('image/');

export function Composer({ send, typing, onError, assets, replyTo, setReplyTo, people = [] }: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  // [CHATUI-15] The `@…` before the caret, the people it may name, the one Enter would take.
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | undefined>(undefined);
  const listId = useId();
  const query = mentionQuery(draft, caret);
  const choices = query && query.start !== dismissed ? mentionChoices(people, query.query) : [];
  const chosen = choices[Math.min(active, choices.length - 1)];
  const mention = (name: string): void => {
    if (!query) return;
    const next = withMention(draft, query.start, caret, name);
    setDraft(next.text);
    setCaret(next.caret);
    setActive(0);
    setTimeout(() => box.current?.setSelectionRange(next.caret, next.caret)); // once React has put the new text in
  };
  // [CHATUI-14] Reply takes the writer to the box.
  useEffect(() => {
    if (replyTo) box.current?.focus();
  }, [replyTo]);
  /** Pictures uploaded for the next message (their `asset:` srcs), and how many are on their way. */
  const [images, setImages] = useState<readonly string[]>([]);
  const [uploading, setUploading] = useState(0);
  const picker = useRef<HTMLInputElement>(null);
  /** Sends not yet answered, chained so that they reach the room in the order they were written. */
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const attach = (files: readonly File[]): void => {
    if (!assets) return;
    const pictures = files.filter(isPicture);
    if (pictures.length < files.length) onError('Only pictures can be sent');
    const room = MAX_CHAT_IMAGES - images.length - uploading;
    if (pictures.length > room) onError(`At most ${MAX_CHAT_IMAGES} pictures go with one message`);
    for (const file of pictures.slice(0, Math.max(0, room))) {
      setUploading((n) => n + 1);
      // [CHATUI-11] Made to fit first: a large photo or screenshot goes smaller, not refused.
      chatPicture(file)
        .then((picture) => assets.upload(picture))
        .then((result) => {
          if (result.ok) setImages((now) => (now.length < MAX_CHAT_IMAGES ? [...now, result.value] : now));
          else onError(`Picture not sent: ${result.error.message}`);
        })
        .catch((error: unknown) => onError(`Picture not sent: ${describeError(error)}`))
        .finally(() => setUploading((n) => n - 1));
    }
  };

  const submit = (): void => {
    const text = draft.trim();
    if ((text === '' && images.length === 0) || uploading > 0) return;
    const sent = images;
    const answering = replyTo;
    // The box empties at once, so the next message can be written (and sent) while this one is on
    // its way; waiting for the answer would wipe, when it came, whatever was typed meanwhile.
    setDraft('');
    setImages([]);
    setReplyTo?.(undefined);
    onError(undefined);
    const options = { ...(sent.length > 0 ? { images: sent } : {}), ...(answering ? { replyTo: answering.serial } : {}) };
    queue.current = queue.current.then(() => send(text, options)).catch((error: unknown) => {
      onError(`Not sent: ${describeError(error)}`);
      // [CHATUI-2] A refused send keeps its text (and pictures, and what it answered), ahead of anything written since.
      setDraft((now) => (now.trim() === '' ? text : `${text}\n${now}`));
      setImages((now) => [...sent, ...now].slice(0, MAX_CHAT_IMAGES));
      if (answering) setReplyTo?.((now) => now ?? answering);
    });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (chosen !== undefined && !event.nativeEvent.isComposing) {
      const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
      if (step !== 0) {
        event.preventDefault();
        return setActive((i) => (Math.min(i, choices.length - 1) + step + choices.length) % choices.length);
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault(); // the name, not a send
        return mention(chosen);
      }
      if (event.key === 'Escape') return setDismissed(query?.start);
    }
    // An IME composing a character also presses Enter: that one is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape' && replyTo) setReplyTo?.(undefined);
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>): void => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (!assets || files.length === 0) return; // text pastes as text
    event.preventDefault();
    attach(files);
  };
  return (
    <form
      className={`${CHAT_CLASS}-composer`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {(images.length > 0 || uploading > 0) && assets && (
        <ul className={`${CHAT_CLASS}-attachments`} aria-label="Pictures to send">
          {images.map((src, i) => (
            <li key={src}>
              <img src={assets.url(src)} alt={`Picture ${i + 1}`} />
              <button className={`${CHAT_CLASS}-button`} type="button" aria-label={`Remove picture ${i + 1}`} onClick={() => setImages((now) => now.filter((s) => s !== src))}>
                ×
              </button>
            </li>
          ))}
          {uploading > 0 && <li aria-live="polite">Uploading…</li>}
        </ul>
      )}
      {replyTo && <Replying to={replyTo} cancel={() => setReplyTo?.(undefined)} />}
      {chosen !== undefined && (
        <ul className={`${CHAT_CLASS}-mentions`} role="listbox" id={listId} aria-label="Mention someone">
          {choices.map((name, i) => (
            <li key={name} id={`${listId}-${i}`} role="option" aria-selected={name === chosen} onMouseDown={(event) => event.preventDefault()} onClick={() => mention(name)}>
              @{name}
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={box}
        className={`${CHAT_CLASS}-input`}
        aria-label="Message"
        aria-controls={chosen !== undefined ? listId : undefined}
        aria-activedescendant={chosen !== undefined ? `${listId}-${choices.indexOf(chosen)}` : undefined}
        rows={2}
        value={draft}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onChange={(event) => {
          setDraft(event.target.value);
          setCaret(event.target.selectionStart);
          if (event.target.value !== '') typing();
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      {assets && (
        <>
          <input
            ref={picker}
            type="file"
            accept="image/*"
            multiple
            hidden
            aria-label="Picture file"
            onChange={(event) => {
              attach([...(event.target.files ?? [])]);
              event.target.value = ''; // the same file again is a new pick
            }}
          />
          <button className={`${CHAT_CLASS}-button`} type="button" aria-label="Add a picture" title="Add a picture" data-icon="" onClick={() => picker.current?.click()}>
            <PictureIcon size={16} />
          </button>
        </>
      )}
      <button className={`${CHAT_CLASS}-button`} type="submit" data-primary="" disabled={(draft.trim() === '' && images.length === 0) || uploading > 0}>
        Send
      </button>
    </form>
  );
}

/** [CHATUI-14] Above the box while a reply is being written: what it answers, and a way out (or Escape). */
function Replying({ to, cancel }: { to: ChatMessage; cancel(): void }): ReactNode {
  const name = authorName(to.author);
  const text = quoteLine(to);
  return (
    <div className={`${CHAT_CLASS}-replying`} role="note" aria-label={`Replying to ${name}: ${text}`}>
      <span>
        Replying to <span className={`${CHAT_CLASS}-author`}>{name}</span>
      </span>
      <span className={`${CHAT_CLASS}-replying-text`}>{text}</span>
      <button className={`${CHAT_CLASS}-button`} type="button" aria-label="Cancel reply" onClick={cancel}>
        ×
      </button>
    </div>
  );
}
