/**
 * `forever-frame` (SPEC: STREAM-10): an HTML document loaded in a hidden iframe that never finishes
 * loading; each batch is a `<script>` calling `parent.<callback>([...])`. Browsers only run scripts
 * of a document still loading once they have received enough of it, hence the padding up front.
 */
import { bayeuxError } from '@kuiper/protocol';
import { encodeBatch } from '../../core/codec.js';
import { JSONP_NAME } from '../http.js';
import type { StreamFormat } from './format.js';

/** More than the 1 KiB some browsers buffer before they parse, let alone run, a streaming document. */
export const FOREVER_FRAME_PADDING = 1024;

const START =
  '<!DOCTYPE html><html><head><meta charset="utf-8"><title>kuiper</title></head><body>\n' +
  `<!--${' '.repeat(FOREVER_FRAME_PADDING)}-->\n`;

/**
 * Makes JSON safe inside an inline `<script>`: `<` (so `</script>` and `<!--` cannot end or bend the
 * element), `>` and `&` become `\u003c`-style escapes, as do U+2028/U+2029 (line terminators to old
 * JavaScript parsers). These characters only occur inside JSON strings, where the escapes mean the same.
 */
export function escapeForScript(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const foreverFrameTransport: StreamFormat = {
  name: 'forever-frame',
  open(_req, url) {
    const callback = url.searchParams.get('callback');
    // [STREAM-10] Validated as for callback-polling before it is ever echoed into a script.
    if (callback === null || !JSONP_NAME.test(callback)) return bayeuxError('jsonp_invalid');
    return {
      headers: { 'Content-Type': 'text/html;charset=utf-8' },
      start: START,
      batch: (messages) => `<script>parent.${callback}(${escapeForScript(encodeBatch(messages))});</script>\n`,
      keepAlive: '<!-- -->\n',
      end: '</body></html>\n',
    };
  },
};
