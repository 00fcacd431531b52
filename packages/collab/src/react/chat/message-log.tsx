/**
 * The message log (`role="log"`): older pages load when it is scrolled to the top (or from the
 * button, for the keyboard) without the view jumping, new messages keep it at the bottom only when
 * the reader was there, a marker stands before the first unread message of someone else, and a
 * day separator before the first message of each day (CHATUI-7).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MutableRefObject, type ReactNode } from 'react';
import type { ChatMessage } from '../../chat/types.js';
import { CHAT_CLASS } from './chat-styles.js';
import { dayLabel, dayStart } from './day-label.js';
import { mentionsOf } from './mentions.js';
import { describeError, MessageItem, type MessageItemProps } from './message-item.js';

/** How close to an edge (px) counts as at it. */
const EDGE = 40;

export interface MessageLogProps {
  readonly messages: readonly ChatMessage[];
  readonly readPosition: number;
  /** The join answered: the messages and read position are the room's. */
  readonly joined: boolean;
  isMine(message: ChatMessage): boolean;
  loadOlder(): Promise<boolean>;
  edit(serial: number, text: string): Promise<unknown>;
  remove(serial: number): Promise<unknown>;
  onError(message: string): void;
  /** The reader reached the newest message. */
  onReadAll(): void;
  /** [CHATUI-10] Where pictures are drawn from (`room.assets.url`). */
  imageUrl?: ((src: string) => string | undefined) | undefined;
  /** [CHATUI-12] Reactions: give or take back (absent: read only), the palette, whose they are. */
  react?: MessageItemProps['react'];
  reactions?: readonly string[] | undefined;
  isMe?: ((id: string) => boolean) | undefined;
  /** [CHATUI-14] Starts a reply (absent: read only). */
  reply?: ((message: ChatMessage) => void) | undefined;
  /** [CHATUI-15] This reader's names (as author, and in presence): others' messages that @mention one stand out. */
  myNames?: readonly (string | undefined)[] | undefined;
  /** [CHATUI-16] A message to bring into view (a search result pressed); each new object is one jump. */
  show?: { readonly serial: number } | undefined;
}

/** [CHATUI-14] How many older pages a press on a quote may load to reach the message it answers. */
const QUOTE_PAGES = 20;

export function MessageLog(props: MessageLogProps): ReactNode {
  const { messages, readPosition, joined, isMine } = props;
  const log = useRef<HTMLDivElement>(null);
  const [loading, setLoading] = useState(false);
  const [exhausted, setExhausted] = useState(false);
  const atBottom = useRef(true);
  // [CHATUI-17] The newest serial when the reader scrolled away from the end (null: at the end).
  const [away, setAway] = useState<number | null>(null);
  const seen = useRef<{ first: number; height: number; last: number }>({ first: 0, height: 0, last: 0 });
  // Where the log's top was when it was last known to be at its end. The scroll event comes a frame
  // after the scroll, so a message can render between a reader's scroll up and the event: the
  // position says they left when atBottom does not know yet.
  const endTop = useRef(0);
  // Where the log itself last scrolled to: the scroll event that move fires is not the reader's
  // (following new messages down must not mark them read for someone who is not looking).
  const ownScroll = useRef<number | null>(null);
  const first = messages[0]?.serial ?? 0;
  // Serials are gap-free from 1 (CHAT-2): anything after 1 has something older.
  const hasOlder = !exhausted && first > 1;

  useLayoutEffect(() => {
    const el = log.current;
    if (!el) return;
    const before = seen.current;
    const top = el.scrollTop;
    if (before.first !== 0 && first < before.first) {
      el.scrollTop += el.scrollHeight - before.height; // older ones went above: stay on what was read
    } else if (atBottom.current && el.clientHeight > 0 && top < endTop.current - EDGE) {
      atBottom.current = false; // scrolled up in this frame: stay there, and count what came (CHATUI-17)
      setAway((was) => was ?? before.last);
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      endTop.current = el.scrollTop;
    }
    // No scroll event comes when nothing moved, so only a real move is remembered.
    if (el.scrollTop !== top) ownScroll.current = el.scrollTop;
    seen.current = { first, height: el.scrollHeight, last: messages[messages.length - 1]?.serial ?? 0 };
    // [CHATUI-5] A reader already in the chat (writing, or in the log) who sees its end sees what comes:
    // read, no marker. hasFocus() is false in a background tab or another window. Where the log is
    // now, not the atBottom ref (as fresh as the last scroll event). One's own message needs nothing:
    // sending marks it read.
    const last = messages[messages.length - 1];
    const showsEnd = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    if (last && !isMine(last) && showsEnd && document.hasFocus() && el.closest(`.${CHAT_CLASS}`)?.contains(document.activeElement)) props.onReadAll();
  }, [messages, first]);

  const older = (): void => {
    if (loading || !hasOlder) return;
    setLoading(true);
    props
      .loadOlder()
      .then((more) => !more && setExhausted(true), (error: unknown) => props.onError(`History not loaded: ${describeError(error)}`))
      .finally(() => setLoading(false));
  };

  const onScroll = (): void => {
    const el = log.current;
    if (!el) return;
    const ours = ownScroll.current === el.scrollTop;
    ownScroll.current = null;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    if (atBottom.current) endTop.current = el.scrollTop;
    if (atBottom.current !== (away === null)) setAway(atBottom.current ? null : (messages[messages.length - 1]?.serial ?? 0));
    if (el.scrollTop < EDGE) older();
    if (atBottom.current && !ours) props.onReadAll();
  };

  // [CHATUI-13] One message's controls are in the Tab order: the one last focused, else the newest
  // not deleted (a deleted one has none), so Tab passes the log in a step or two, not one per message.
  const [focused, setFocused] = useState<number | undefined>(undefined);
  const current = focused !== undefined && messages.some((m) => m.serial === focused) ? focused : messages.findLast((m) => !m.deleted)?.serial;
  const namesKey = JSON.stringify(props.myNames ?? []);
  const namesMe = useMemo(() => mentionsOf(props.myNames), [namesKey]); // keyed by content: a new array each render
  // [CHATUI-14] A quote shows the answered message's latest state when it is loaded.
  const bySerial = useMemo(() => new Map(messages.map((m) => [m.serial, m])), [messages]);
  const quoted = useCallback((serial: number) => bySerial.get(serial), [bySerial]);
  /** A message to bring into view once it is rendered (loadOlder's pages render after it resolves). */
  const jumpTo = useRef<number | undefined>(undefined);
  const firstNow = useRef(first);
  firstNow.current = first;
  const showMessage = (serial: number, outOfReach?: string): void => {
    jumpTo.current = serial;
    if (bySerial.has(serial)) return reveal(log.current, jumpTo);
    void (async () => {
      for (let page = 0; page < QUOTE_PAGES && firstNow.current > serial && jumpTo.current === serial; page++) {
        if (!(await props.loadOlder())) break;
      }
      // Out of reach: no jump left waiting to surprise the reader when they scroll up to it later.
      if (firstNow.current > serial && jumpTo.current === serial) {
        jumpTo.current = undefined;
        if (outOfReach) props.onError(outOfReach);
      }
    })().catch((error: unknown) => props.onError(`History not loaded: ${describeError(error)}`));
  };
  useLayoutEffect(() => reveal(log.current, jumpTo), [messages]);
  const showRef = useRef(showMessage);
  showRef.current = showMessage;
  useEffect(() => {
    if (props.show) showRef.current(props.show.serial, 'That message is too far back to show here');
  }, [props.show]);
  // [CHATUI-9] The marker says where the reader left off. On a first visit (nothing read when the
  // join answered) they left off nowhere: what was there before they came gets no marker, which
  // would stand above the whole log; what comes after does. Set once, the same in every render.
  const arrival = useRef<number | undefined>(undefined);
  if (joined && arrival.current === undefined) arrival.current = readPosition === 0 ? (messages[messages.length - 1]?.serial ?? 0) : 0;
  const floor = Math.max(readPosition, arrival.current ?? 0);
  const firstUnread = messages.find((m) => m.serial > floor && !m.deleted && !isMine(m))?.serial;
  // [CHATUI-17] What came from others while the reader was up in the history.
  const arrived = away === null ? 0 : messages.filter((m) => m.serial > away && !m.deleted && !isMine(m)).length;
  const toLatest = (): void => {
    const el = log.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    endTop.current = el.scrollTop;
    setAway(null);
    el.focus({ preventScroll: true }); // the button goes: the keyboard stays in the log, at its end
    props.onReadAll();
  };
  return (
    <>
      {arrived > 0 && (
        <button type="button" className={`${CHAT_CLASS}-latest`} onClick={toLatest}>
          {`↓ ${arrived} new ${arrived === 1 ? 'message' : 'messages'}`}
        </button>
      )}
      <div ref={log} className={`${CHAT_CLASS}-log`} role="log" aria-label="Chat messages" tabIndex={0} onScroll={onScroll} onKeyDown={(event) => arrowBetweenMessages(event, log.current)}>
        {hasOlder && (
          <button className={`${CHAT_CLASS}-button`} type="button" onClick={older} disabled={loading}>
            {loading ? 'Loading…' : 'Load older messages'}
          </button>
        )}
        {messages.map((message, i) => {
          const day = i === 0 || dayStart(messages[i - 1]!.sentAt) !== dayStart(message.sentAt) ? dayLabel(message.sentAt) : undefined;
          return (
            <div key={message.serial}>
              {day && (
                <div className={`${CHAT_CLASS}-day`} role="separator" aria-label={day}>
                  {day}
                </div>
              )}
              {message.serial === firstUnread && (
                <div className={`${CHAT_CLASS}-unread`} role="separator" aria-label="New messages">
                  New
                </div>
              )}
              <MessageItem
                message={message}
                mine={isMine(message)}
                edit={props.edit}
                remove={props.remove}
                onError={props.onError}
                imageUrl={props.imageUrl}
                react={props.react}
                reactions={props.reactions}
                isMe={props.isMe}
                tabbable={message.serial === current}
                onFocusIn={setFocused}
                reply={props.reply}
                quoted={quoted}
                showMessage={showMessage}
                mentionsMe={!isMine(message) && !message.deleted && namesMe(message.text)}
              />
            </div>
          );
        })}
        {/* [CHATUI-18] Said only once the join answered: before, an empty log may just be loading. */}
        {joined && messages.length === 0 && !hasOlder && <p className={`${CHAT_CLASS}-empty`}>No messages yet</p>}
      </div>
    </>
  );
}

/**
 * [CHATUI-13] Up and Down from a message's control go to the nearest message above or below that
 * has one (its first: React, Reply, Edit, its quote, a reaction, a picture). On the log itself they scroll it, and in
 * the message editor or the reaction palette they are left alone.
 */
function arrowBetweenMessages(event: KeyboardEvent<HTMLDivElement>, log: HTMLDivElement | null): void {
  if ((event.key !== 'ArrowUp' && event.key !== 'ArrowDown') || !log) return;
  const target = event.target as HTMLElement;
  if (target === log || target.closest('textarea, [role="group"]')) return;
  const article = target.closest('article');
  if (!article) return;
  const all = [...log.querySelectorAll('article')];
  const step = event.key === 'ArrowUp' ? -1 : 1;
  for (let i = all.indexOf(article) + step; i >= 0 && i < all.length; i += step) {
    const control = all[i]!.querySelector<HTMLElement>('[data-roving]');
    if (control) {
      event.preventDefault();
      control.focus();
      return;
    }
  }
}

/** [CHATUI-14] Brings the message `jumpTo` names into view, focused on its first control (or itself) and lit a moment, once it is in the log. */
function reveal(log: HTMLDivElement | null, jumpTo: MutableRefObject<number | undefined>): void {
  const serial = jumpTo.current;
  const article = serial === undefined ? null : log?.querySelector<HTMLElement>(`article[data-serial="${serial}"]`);
  if (!article) return;
  jumpTo.current = undefined;
  article.scrollIntoView?.({ block: 'center' });
  // A viewer's message has no controls (CHATUI-8): the message itself takes the focus, so a screen reader reads it.
  const control = article.querySelector<HTMLElement>('[data-roving]');
  if (!control) article.tabIndex = -1;
  (control ?? article).focus({ preventScroll: true });
  article.setAttribute('data-flash', '');
  setTimeout(() => article.removeAttribute('data-flash'), 1500);
}
