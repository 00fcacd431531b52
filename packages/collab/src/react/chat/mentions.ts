/**
 * [CHATUI-15] @mentions in `<Chat>`, the pure half: the `@name` being typed before the caret, the
 * people it may name, the text with one chosen, and whether a message names this reader.
 */

/** The most people the list offers at once. */
export const MAX_MENTION_CHOICES = 6;

/** The `@…` being typed right before the caret (after a space or at the start), if any. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | undefined {
  const match = /(^|\s)@([^\s@]{0,40})$/u.exec(text.slice(0, caret));
  return match ? { start: caret - match[2]!.length - 1, query: match[2]! } : undefined;
}

/** The names that start with `query` (or have a word that does), each once, in the order given. */
export function mentionChoices(names: readonly string[], query: string): string[] {
  const q = query.toLowerCase();
  const out: string[] = [];
  for (const name of names) {
    const starts = name.toLowerCase().startsWith(q) || name.toLowerCase().split(/\s+/).some((word) => word.startsWith(q));
    if (starts && !out.includes(name)) out.push(name);
    if (out.length === MAX_MENTION_CHOICES) break;
  }
  return out;
}

/** `text` with the `@…` from `start` to the caret replaced by `@name `, and where the caret goes. */
export function withMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

export { mentions, mentionsOf } from '../../chat/mention-pattern.js';
