/**
 * The member's live window of a room's chat (CHAT-5): loaded history and live messages, ascending
 * by serial, contiguous (no gap) and each serial once (no duplicate), whatever order pages, answers
 * and broadcasts arrive in. A message beyond a gap waits aside until the gap is filled; the owner
 * asks the server for what lies in between (`gapAfter`). Pure: no transport, no timers.
 */
import { revOf } from './chat-wire.js';
import type { ChatEvent, ChatMessage } from './types.js';

/** Later state of one message wins: a delete over anything, then the higher rev (CHAT-15). */
const rank = (m: ChatMessage): number => (m.deleted ? Number.POSITIVE_INFINITY : revOf(m));

/** What one merge did: messages that entered the window, and ones replaced by a later state (and how). */
export interface Merged {
  readonly added: ChatMessage[];
  readonly changed: { readonly type: Exclude<ChatEvent['type'], 'message'>; readonly message: ChatMessage }[];
}

export class ChatWindow {
  private readonly bySerial = new Map<number, ChatMessage>();
  /** Beyond the window's end, past a gap: kept until the gap closes. */
  private readonly ahead = new Map<number, ChatMessage>();
  private low = 1;
  private high = 0;
  private view: readonly ChatMessage[] = [];
  /** True once a join told where the window starts; until then nothing is placed. */
  private anchored = false;

  /** Ascending, no gap, no duplicate; the same array until something changes. */
  messages(): readonly ChatMessage[] {
    return this.view;
  }

  get first(): number {
    return this.low;
  }

  get last(): number {
    return this.high;
  }

  /** The serial after which messages are missing, if a message waits beyond a gap. */
  gapAfter(): number | undefined {
    return this.ahead.size > 0 ? this.high : undefined;
  }

  /** The newest page from a join: it anchors an empty window; a window already held keeps its start. */
  anchor(page: readonly ChatMessage[]): Merged {
    if (!this.anchored) {
      this.anchored = true;
      const start = page[0]?.serial;
      if (start !== undefined) {
        this.low = start;
        this.high = start - 1;
      }
    }
    return this.merge(page);
  }

  /** An older page, ending right before the window: it extends the window backwards. */
  prepend(page: readonly ChatMessage[]): Merged {
    const added: ChatMessage[] = [];
    for (const m of [...page].reverse()) {
      if (m.serial !== this.low - 1) continue; // not adjacent: it would leave a gap
      this.bySerial.set(m.serial, m);
      this.low = m.serial;
      added.unshift(m);
    }
    if (added.length > 0) this.rebuild();
    return { added, changed: [] };
  }

  /** Live messages, answers and forward pages, in any order. */
  merge(messages: readonly ChatMessage[]): Merged {
    const added: ChatMessage[] = [];
    const changed: Merged['changed'] = [];
    for (const m of messages) {
      if (!this.anchored) continue;
      const held = this.bySerial.get(m.serial);
      if (held) {
        if (held !== m && rank(m) >= rank(held) && !same(held, m)) {
          this.bySerial.set(m.serial, m);
          changed.push({ type: m.deleted ? 'delete' : m.text === held.text && m.editedAt === held.editedAt ? 'react' : 'edit', message: m });
        }
      } else if (m.serial > this.high) {
        const waiting = this.ahead.get(m.serial);
        if (!waiting || rank(m) >= rank(waiting)) this.ahead.set(m.serial, m);
      } // else: older than the window, not loaded: loadOlder will bring its latest state
    }
    // Whatever is now adjacent to the end joins the window, in order.
    for (let next = this.ahead.get(this.high + 1); next; next = this.ahead.get(this.high + 1)) {
      this.ahead.delete(next.serial);
      this.bySerial.set(next.serial, next);
      this.high = next.serial;
      added.push(next);
    }
    if (added.length > 0 || changed.length > 0) this.rebuild();
    return { added, changed };
  }

  private rebuild(): void {
    const out: ChatMessage[] = [];
    for (let s = this.low; s <= this.high; s++) {
      const m = this.bySerial.get(s);
      if (m) out.push(m);
    }
    this.view = out;
  }
}

const same = (a: ChatMessage, b: ChatMessage): boolean =>
  a.text === b.text && a.editedAt === b.editedAt && a.deleted === b.deleted && a.sentAt === b.sentAt && a.author.id === b.author.id && a.author.name === b.author.name && revOf(a) === revOf(b);
