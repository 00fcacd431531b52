/**
 * [CHATUI-15] Whether a chat text names someone as `@name`: what `<Chat>` marks "mentions you" with,
 * and [LOBBY-8] what the lobby counts among a viewer's unread messages. Framework-free: the server
 * reads it too.
 */

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
