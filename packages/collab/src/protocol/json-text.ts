/**
 * Measuring and cutting JSON text for chunked transfers of the text kind (COLLAB-7): what a string
 * costs once serialised inside a JSON string (escapes and UTF-8 included), and where to cut it so
 * that no part exceeds a budget of serialised bytes, whatever the content.
 */
/** What one UTF-16 unit at `i` costs inside a JSON string, in UTF-8 bytes, and how many units it spans. */
function unitCost(text: string, i: number): [bytes: number, units: number] {
  const c = text.charCodeAt(i);
  if (c === 0x22 || c === 0x5c) return [2, 1];
  if (c < 0x20) return [6, 1];
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    // A pair is four UTF-8 bytes and is never cut in two; a lone surrogate is escaped as \uXXXX.
    return next >= 0xdc00 && next <= 0xdfff ? [4, 2] : [6, 1];
  }
  if (c >= 0xdc00 && c <= 0xdfff) return [6, 1];
  return [3, 1];
}

// Characters whose cost inside a JSON string is not one byte; base64 payloads have none of them.
const COSTLY = /[\x00-\x1f"\\\u0080-\uffff]/;

/** Bytes of `text` once serialised as a JSON string body (without the quotes). */
export function jsonStringBytes(text: string): number {
  if (!COSTLY.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const [b, u] = unitCost(text, i);
    bytes += b;
    i += u;
  }
  return bytes;
}

/** Where the part starting at `start` ends: as far as `budget` bytes of serialised JSON reach. */
function partEnd(text: string, start: number, budget: number): number {
  const end = Math.min(text.length, start + budget);
  // The common case, a window of plain ASCII (base64), costs one byte a character: no scan needed.
  if (!COSTLY.test(text.slice(start, end))) return end;
  let bytes = 0;
  let i = start;
  while (i < text.length) {
    const [b, u] = unitCost(text, i);
    if (bytes + b > budget) break;
    bytes += b;
    i += u;
  }
  return i;
}

// Characters whose cost varies (multi-byte, or escaped as \uXXXX); a JSON text of base64 has none.
const WIDE = /[\x00-\x1f\u0080-\uffff]/;

/** How many `"` and `\` (two bytes each inside a JSON string) stand in text[from, to). */
function countEscaped(text: string, from: number, to: number): number {
  let n = 0;
  for (const c of ['"', '\\']) for (let i = text.indexOf(c, from); i !== -1 && i < to; i = text.indexOf(c, i + 1)) n++;
  return n;
}

/**
 * partEnd for a text without WIDE characters: one byte a character, two for `"` and `\`, counted
 * with indexOf instead of a loop over every character. Cutting `escaped` characters off the window
 * leaves at most as many escapes in it, so one step always fits the budget.
 */
function narrowEnd(text: string, start: number, budget: number): number {
  const end = Math.min(text.length, start + budget);
  const escaped = countEscaped(text, start, end);
  if (end - start + escaped <= budget) return end;
  const shorter = start + budget - escaped;
  return shorter > start ? shorter : partEnd(text, start, budget);
}

/** `text` cut into parts of at most `budget` bytes each once serialised inside a JSON string. */
export function splitJsonText(text: string, budget: number): string[] {
  const parts: string[] = [];
  // A text that is mostly ASCII (a JSON text with a few quotes) is measured without a loop over
  // every character: that loop cost ~15 ms for a 400 KB message under load.
  const narrow = !WIDE.test(text);
  for (let start = 0; start < text.length; ) {
    const end = narrow ? narrowEnd(text, start, budget) : partEnd(text, start, budget);
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}
