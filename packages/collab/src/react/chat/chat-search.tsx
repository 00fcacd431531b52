/**
 * [CHATUI-16] Searching the chat from `<Chat>` (CHAT-17): a Search button above the log opens a
 * search box; the results, newest first, say who wrote what and when, and pressing one brings that
 * message into view in the log. Escape or × closes it, back to the button.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ChatMessage, RoomChat } from '../../chat/types.js';
import { MAX_SEARCH_LENGTH } from '../../chat/chat-wire.js';
import { CHAT_CLASS } from './chat-styles.js';
import { dayLabel } from './day-label.js';
import { authorName } from './labels.js';
import { SearchIcon } from './message-icons.js';
import { clock, describeError } from './message-item.js';

interface Found {
  readonly query: string;
  readonly messages: readonly ChatMessage[];
  readonly before: number;
  readonly done: boolean;
}

/** "Today 09:14", "Yesterday 18:02", "Thursday, December 3 11:00": the log's day label and clock. */
const when = (ms: number): string => `${dayLabel(ms)} ${clock(ms)}`;

function status(found: Found | null, busy: boolean): string {
  if (busy) return 'Searching…';
  if (!found) return '';
  const n = found.messages.length;
  if (n === 0) return found.done ? 'No messages found' : 'None among the latest messages';
  return `${n} ${n === 1 ? 'message' : 'messages'} found`;
}

export function ChatSearch({ chat, onShow }: { chat: Pick<RoomChat, 'search'>; onShow(serial: number): void }): ReactNode {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const opener = useRef<HTMLButtonElement>(null);
  const asked = useRef(0); // only the latest search's answer is shown

  /** Closes the search; the focus goes back to its button, unless a result is taking it to its message. */
  const close = (refocus: boolean): void => {
    asked.current++;
    setOpen(false);
    setFound(null);
    setBusy(false);
    setError(undefined);
    if (refocus) refocusOpener.current = true;
  };
  const refocusOpener = useRef(false);
  useEffect(() => {
    if (open || !refocusOpener.current) return;
    refocusOpener.current = false;
    opener.current?.focus();
  }, [open]);

  const search = (older: boolean): void => {
    const text = older && found ? found.query : query.trim();
    if (text === '') return;
    const id = ++asked.current;
    setBusy(true);
    setError(undefined);
    chat.search(text, older && found ? { before: found.before } : {}).then(
      (page) => {
        if (id !== asked.current) return;
        setFound({ query: text, messages: older && found ? [...found.messages, ...page.messages] : page.messages, before: page.before, done: page.done });
        setBusy(false);
      },
      (thrown: unknown) => {
        if (id !== asked.current) return;
        setError(`Search failed: ${describeError(thrown)}`);
        setBusy(false);
      },
    );
  };

  if (!open) {
    return (
      <div className={`${CHAT_CLASS}-searchbar`}>
        <button ref={opener} type="button" className={`${CHAT_CLASS}-button`} data-icon="" aria-label="Search messages" title="Search messages" onClick={() => setOpen(true)}>
          <SearchIcon />
        </button>
      </div>
    );
  }
  return (
    <div className={`${CHAT_CLASS}-search`} onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), close(true))}>
      <form role="search" aria-label="Search messages" className={`${CHAT_CLASS}-searchbar`} onSubmit={(e) => (e.preventDefault(), search(false))}>
        <input type="search" className={`${CHAT_CLASS}-input`} aria-label="Search messages" placeholder="Search messages" autoFocus
          maxLength={MAX_SEARCH_LENGTH} value={query} onChange={(e) => setQuery(e.target.value)} />
        <button type="submit" className={`${CHAT_CLASS}-button`} disabled={busy || query.trim() === ''}>Search</button>
        <button type="button" className={`${CHAT_CLASS}-button`} aria-label="Close search" onClick={() => close(true)}>×</button>
      </form>
      <p className={`${CHAT_CLASS}-meta`} role="status">{error ?? status(found, busy)}</p>
      {found && found.messages.length > 0 && (
        <ul className={`${CHAT_CLASS}-results`} aria-label="Search results">
          {found.messages.map((m) => (
            <li key={m.serial}>
              <button type="button" onClick={() => (onShow(m.serial), close(false))}>
                <span className={`${CHAT_CLASS}-author`}>{authorName(m.author)}</span>{' '}
                <span className={`${CHAT_CLASS}-time`}>{when(m.sentAt)}</span>
                <span className={`${CHAT_CLASS}-result-text`}>{m.text}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {found && !found.done && !busy && (
        <button type="button" className={`${CHAT_CLASS}-button`} onClick={() => search(true)}>Search older messages</button>
      )}
    </div>
  );
}
