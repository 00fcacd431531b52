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

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a text names one of `names` as `@name` (any case), not as the start of a longer word: the
 * pattern is made once per set of names, for a log that asks it of every message on every render.
 * A reader may go by two names (the author name the server gave it, and the presence name the `@`
 * list offers others, which an app may set differently): either one mentions it.
 */
export function mentionsOf(names: string | readonly (string | undefined)[] | undefined): (text: string) => boolean {
  const usable = [...new Set((typeof names === 'string' ? [names] : (names ?? [])).filter((n): n is string => n !== undefined && n.trim() !== ''))];
  if (usable.length === 0) return () => false;
  // Longest first: "@Ada Lovelace" is the whole name, not "@Ada" and some text.
  const alternatives = usable.sort((a, b) => b.length - a.length).map(escape).join('|');
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}_])@(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'iu');
  return (text) => pattern.test(text);
}

export const mentions = (text: string, names: string | readonly (string | undefined)[] | undefined): boolean => mentionsOf(names)(text);
