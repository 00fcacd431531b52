/**
 * [CHATUI-12] A message's emoji reactions: one chip per emoji with its count (pressed when this
 * user gave it; pressing gives or takes it back, who gave it on hover), and the short palette the
 * message's `React` button opens. A reader who may not write sees the chips, not as buttons.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import type { ChatAuthor, ChatReaction } from '../../chat/types.js';
import { CHAT_CLASS } from './chat-styles.js';
import { authorName } from './labels.js';

/** The palette `<Chat>` offers unless given its own (`reactions` prop). */
export const CHAT_REACTIONS: readonly string[] = Object.freeze(['👍', '❤️', '😂', '🎉', '😮', '👀']);

/** "You, Ada and Bob": who gave one emoji, this user first. */
export function reactorsLine(users: readonly ChatAuthor[], isMe: (id: string) => boolean): string {
  const names = [...users.filter((u) => isMe(u.id)).map(() => 'You'), ...users.filter((u) => !isMe(u.id)).map(authorName)];
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export interface ReactionChipsProps {
  readonly reactions: readonly ChatReaction[];
  isMe(id: string): boolean;
  /** Absent for a reader who may not write. */
  toggle?: ((emoji: string, on: boolean) => void) | undefined;
  /** [CHATUI-13] -1 when the message's controls are out of the Tab order. */
  tabIndex?: number | undefined;
}

export function ReactionChips({ reactions, isMe, toggle, tabIndex = 0 }: ReactionChipsProps): ReactNode {
  return (
    <div className={`${CHAT_CLASS}-reactions`}>
      {reactions.map((r) => {
        const mine = r.users.some((u) => isMe(u.id));
        const who = reactorsLine(r.users, isMe);
        const label = `${r.emoji} ${r.users.length}: ${who}`;
        return toggle ? (
          <button key={r.emoji} className={`${CHAT_CLASS}-reaction`} type="button" tabIndex={tabIndex} data-roving="" aria-pressed={mine} aria-label={label} title={who} onClick={() => toggle(r.emoji, !mine)}>
            {r.emoji} {r.users.length}
          </button>
        ) : (
          <span key={r.emoji} className={`${CHAT_CLASS}-reaction`} role="img" aria-label={label} title={who} data-mine={mine ? '' : undefined}>
            {r.emoji} {r.users.length}
          </span>
        );
      })}
    </div>
  );
}

export interface ReactionPickerProps {
  readonly choices: readonly string[];
  pick(emoji: string): void;
  close(): void;
}

/** The palette: focused on its first emoji when it opens, closed by Escape or a pick. */
export function ReactionPicker({ choices, pick, close }: ReactionPickerProps): ReactNode {
  const group = useRef<HTMLDivElement>(null);
  useEffect(() => group.current?.querySelector('button')?.focus(), []);
  return (
    <div
      ref={group}
      className={`${CHAT_CLASS}-picker`}
      role="group"
      aria-label="Pick a reaction"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          close();
        }
      }}
    >
      {choices.map((emoji) => (
        <button key={emoji} className={`${CHAT_CLASS}-button`} type="button" aria-label={`React with ${emoji}`} onClick={() => pick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  );
}
