// The pure chat cores without a transport: the member's window, the typing board, the wire parsers.
import { describe, expect, it } from 'vitest';
import { ChatWindow, TypingBoard, chatAuthor, parseChatBroadcast, parseChatRequest, quoteOf, type ChatMessage, type Typer } from '../../src/index.js';
import { ManualClock } from '../helpers/clock.js';

const msg = (serial: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({ serial, author: { id: 'a' }, text: `m${serial}`, sentAt: serial, ...extra });
const serials = (w: ChatWindow): number[] => w.messages().map((m) => m.serial);

describe('ChatWindow', () => {
  it('[CHAT-5] out-of-order and duplicate arrivals: a message past a gap waits, the gap is named, the window stays contiguous', () => {
    const w = new ChatWindow();
    expect(w.merge([msg(1)]).added).toEqual([]); // before the join anchors it, nothing is placed
    w.anchor([msg(4), msg(5)]);
    expect(serials(w)).toEqual([4, 5]);
    w.merge([msg(8), msg(7)]);
    expect([serials(w), w.gapAfter()]).toEqual([[4, 5], 5]);
    const same = w.messages();
    w.merge([msg(5), msg(4)]); // duplicates change nothing: the same array
    expect(w.messages()).toBe(same);
    const filled = w.merge([msg(6)]);
    expect([filled.added.map((m) => m.serial), serials(w), w.gapAfter()]).toEqual([[6, 7, 8], [4, 5, 6, 7, 8], undefined]);
    w.prepend([msg(1), msg(2), msg(3)]);
    expect(serials(w)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('[CHAT-6] a later state wins: an edit replaces, a stale copy does not undo it, a delete beats everything', () => {
    const w = new ChatWindow();
    w.anchor([msg(1)]);
    expect(w.merge([msg(1, { text: 'edited', editedAt: 10 })]).changed).toHaveLength(1);
    w.merge([msg(1)]); // the old copy, from a page read before the edit
    expect(w.messages()[0]!.text).toBe('edited');
    w.merge([msg(1, { text: '', deleted: true, editedAt: 11 })]);
    w.merge([msg(1, { text: 'late edit', editedAt: 12 })]);
    expect(w.messages()[0]).toMatchObject({ text: '', deleted: true });
  });
});

describe('ChatWindow and reactions', () => {
  it('[CHAT-15] the higher rev wins whatever order the states arrive in, and a change of reactions only is a "react"', () => {
    const w = new ChatWindow();
    w.anchor([msg(1)]);
    const one = { emoji: '👍', users: [{ id: 'b' }] };
    const two = { emoji: '👍', users: [{ id: 'b' }, { id: 'c' }] };
    // Ada's answer (rev 2) overtakes the broadcast of Bob's reaction (rev 1): Bob's late copy is older.
    expect(w.merge([msg(1, { reactions: [two], rev: 2 })]).changed.map((c) => c.type)).toEqual(['react']);
    expect(w.merge([msg(1, { reactions: [one], rev: 1 })]).changed).toEqual([]);
    expect(w.messages()[0]!.reactions).toEqual([two]);
    // An edit after them keeps them and is an "edit"; taking one back after that is a "react" again.
    expect(w.merge([msg(1, { text: 'edited', editedAt: 5, reactions: [two], rev: 3 })]).changed.map((c) => c.type)).toEqual(['edit']);
    expect(w.merge([msg(1, { text: 'edited', editedAt: 5, reactions: [one], rev: 4 })]).changed.map((c) => c.type)).toEqual(['react']);
    expect(w.merge([msg(1, { text: '', deleted: true, editedAt: 6, rev: 5 })]).changed.map((c) => c.type)).toEqual(['delete']);
  });
});

describe('TypingBoard', () => {
  it('[CHAT-8] a typer stays for the timeout after its last notice, then leaves; stop and leave end it at once', () => {
    const clock = new ManualClock();
    const seen: Typer[][] = [];
    const board = new TypingBoard({ clock, timeoutMs: 3000, onChange: (t) => seen.push(t) });
    board.typing('c1', { id: 'ada' });
    clock.advance(2000);
    board.typing('c1', { id: 'ada' }); // pushed back to 5000, no change reported
    clock.advance(500);
    board.typing('c2', { id: 'bob' }); // until 5500
    clock.advance(2499);
    expect(seen.at(-1)!.map((t) => t.clientId)).toEqual(['c1', 'c2']);
    clock.advance(1);
    expect(seen.at(-1)!.map((t) => t.clientId)).toEqual(['c2']);
    board.stop('c2');
    expect(seen.map((t) => t.length)).toEqual([1, 2, 1, 0]);
    expect(clock.pending).toBe(0);
  });
});

describe('chat wire and identity', () => {
  it('[CHAT-1] malformed requests and broadcasts are error values, never throws', () => {
    for (const bad of [null, 'x', [], { v: 2, type: 'chat-send', text: 'x' }, { v: 1, type: 'chat-send' }, { v: 1, type: 'chat-edit', serial: -1, text: 'x' }, { v: 1, type: 'chat-history', before: 3, after: 1 }, { v: 1, type: 'chat-history', limit: 0 }, { v: 1, type: 'nope' }]) {
      const read = parseChatRequest(bad);
      expect(read.ok ? 'accepted' : read.error.code, JSON.stringify(bad)).toBe('message_invalid');
    }
    expect(parseChatRequest({ v: 1, type: 'chat-history', before: 9, limit: 10_000 })).toEqual({ ok: true, value: { type: 'chat-history', before: 9, limit: 200 } });
    expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'message', message: { serial: 1, author: {}, text: '', sentAt: 1 } }).ok).toBe(false);
    expect(parseChatBroadcast({ v: 1, type: 'typing', typers: [{ author: { id: 'a' }, clientId: 'c' }] })).toEqual({ ok: true, value: { type: 'typing', typers: [{ author: { id: 'a' }, clientId: 'c' }] } });
  });

  it('[CHAT-15] a reaction is an emoji, given or taken back; text, a word or a bad "on" is refused, and a message carries well-formed reactions only', () => {
    for (const emoji of ['👍', '❤️', '👩‍💻', '🇫🇷', '1️⃣', '👍🏽']) {
      expect(parseChatRequest({ v: 1, type: 'chat-react', serial: 3, emoji }), emoji).toEqual({ ok: true, value: { type: 'chat-react', serial: 3, emoji, on: true } });
    }
    expect(parseChatRequest({ v: 1, type: 'chat-react', serial: 3, emoji: '👍', on: false })).toEqual({ ok: true, value: { type: 'chat-react', serial: 3, emoji: '👍', on: false } });
    for (const bad of [{ emoji: 'lol' }, { emoji: 'a' }, { emoji: '12' }, { emoji: '👍 ' }, { emoji: '' }, { emoji: '👍'.repeat(17) }, { emoji: 7 }, { emoji: '👍', on: 'yes' }, { emoji: '👍', serial: 0 }]) {
      const read = parseChatRequest({ v: 1, type: 'chat-react', serial: 3, ...bad });
      expect(read.ok ? 'accepted' : read.error.code, JSON.stringify(bad)).toBe('message_invalid');
    }
    const message = { serial: 1, author: { id: 'a' }, text: 'hi', sentAt: 1, rev: 2, reactions: [{ emoji: '👍', users: [{ id: 'b', name: 'Bob' }] }] };
    expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'react', message })).toEqual({ ok: true, value: { type: 'react', message } });
    for (const reactions of [[{ emoji: 'no', users: [{ id: 'b' }] }], [{ emoji: '👍', users: [] }], [{ emoji: '👍', users: [{}] }], {}]) {
      expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'react', message: { ...message, reactions } }).ok, JSON.stringify(reactions)).toBe(false);
    }
    expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'react', message: { ...message, rev: -1 } }).ok).toBe(false);
  });

  it('[CHAT-16] a send answers a message by its serial; a message carries a well-formed quote only, cut to 140 characters at a character', () => {
    expect(parseChatRequest({ v: 1, type: 'chat-send', text: 'yes', replyTo: 4 })).toEqual({ ok: true, value: { type: 'chat-send', text: 'yes', replyTo: 4 } });
    for (const replyTo of [0, -1, 1.5, '4', null]) expect(parseChatRequest({ v: 1, type: 'chat-send', text: 'yes', replyTo }).ok, String(replyTo)).toBe(false);
    const message = { serial: 5, author: { id: 'a' }, text: 'yes', sentAt: 1, replyTo: { serial: 4, author: { id: 'b', name: 'Bob' }, text: 'who?' } };
    expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'message', message })).toEqual({ ok: true, value: { type: 'message', message } });
    for (const replyTo of [{ serial: 0, author: { id: 'b' }, text: '' }, { serial: 4, author: {}, text: '' }, { serial: 4, author: { id: 'b' } }, { serial: 4, author: { id: 'b' }, text: 'x'.repeat(141) }, 4]) {
      expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'message', message: { ...message, replyTo } }).ok, JSON.stringify(replyTo)).toBe(false);
    }
    const long = quoteOf({ serial: 2, author: { id: 'b' }, text: '🎉'.repeat(200), sentAt: 1 });
    expect([...long.text].length).toBe(140);
    expect(long.text).toBe(`${'🎉'.repeat(139)}…`); // no emoji cut in half
    expect(parseChatBroadcast({ v: 1, type: 'chat', event: 'message', message: { ...message, replyTo: long } }).ok).toBe(true);
    expect(quoteOf({ serial: 2, author: { id: 'b' }, text: 'short', sentAt: 1 })).toEqual({ serial: 2, author: { id: 'b' }, text: 'short' });
  });

  it('[CHAT-2] the author: the grant\'s user, else a well-formed session data.user, else the connection id', () => {
    expect(chatAuthor({ id: 'g', name: 'G' }, { user: { id: 's' } }, 'c1')).toEqual({ id: 'g', name: 'G' });
    expect(chatAuthor(undefined, { user: { id: 's', name: 'S', extra: true } }, 'c1')).toEqual({ id: 's', name: 'S' });
    expect(chatAuthor(undefined, { user: 'just a string' }, 'c1')).toEqual({ id: 'c1' });
    expect(chatAuthor(undefined, { user: { id: '' } }, 'c1')).toEqual({ id: 'c1' });
    expect(chatAuthor(undefined, null, 'c1')).toEqual({ id: 'c1' });
  });
});
