// The collab wire (SPEC: COLLAB-1, COLLAB-2, COLLAB-7): channel layout, message validation, chunking.
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  ChunkAssembler,
  DEFAULT_MAX_MESSAGE_BYTES,
  clientMessageReader,
  decodeBase64,
  encodeBase64,
  parseClientMessage,
  parseServerMessage,
  roomChannels,
  roomOfChannel,
  serverMessageReader,
  splitForWire,
  toWire,
  writeWire,
  type ClientMessage,
  type ServerMessage,
  type WireMessage,
} from '../src/index.js';
import { decodeBase64Into, decodedLength } from '../src/protocol/base64.js';

let transfers = 0;
const newTransferId = (): string => `t${++transfers}`;
const serialisedBytes = (m: WireMessage): number => new TextEncoder().encode(JSON.stringify(m)).length;

describe('channels', () => {
  it('[COLLAB-1] a room has a document, sync, presence channel and reserved chat and events channels', () => {
    expect(roomChannels('board-1')).toEqual({
      doc: '/rooms/board-1/doc',
      sync: '/service/rooms/board-1/sync',
      presence: '/rooms/board-1/presence',
      presenceSet: '/service/rooms/board-1/presence',
      chat: '/rooms/board-1/chat',
      events: '/rooms/board-1/events',
    });
    expect(roomOfChannel('/service/rooms/board-1/sync')).toBe('board-1');
    expect(roomOfChannel('/rooms/board-1/presence')).toBe('board-1');
    expect(roomOfChannel('/lobby/board-1')).toBeUndefined();
    expect(roomOfChannel('/rooms/a/b/doc')).toBeUndefined();
  });

  it('[COLLAB-1] a room id is one URL-safe channel segment', () => {
    for (const bad of ['', 'a/b', '*', 'a b', 'x'.repeat(129), '**']) expect(() => roomChannels(bad)).toThrow(TypeError);
  });
});

describe('messages', () => {
  it('[COLLAB-2] every message round-trips through JSON with binary fields as base64', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'héllo ☃');
    const update = Y.encodeStateAsUpdate(doc);
    const sv = Y.encodeStateVector(doc);
    const client: ClientMessage[] = [
      { type: 'sync-1', stateVector: sv },
      { type: 'update', id: 'u1', update },
      { type: 'presence-set', state: { cursor: { x: 1, y: 2 }, name: 'Ada' } },
    ];
    for (const m of client) expect(parseClientMessage(JSON.parse(JSON.stringify(toWire(m))))).toEqual({ ok: true, value: m });
    const server: ServerMessage[] = [
      { type: 'sync-2', update, stateVector: sv, connection: 'c1' },
      { type: 'room-update', update, origin: 'c1' },
      { type: 'ack', ids: ['u1', 'u2'] },
      { type: 'error', code: 'read_only', message: 'no', id: 'u1' },
      { type: 'presence', snapshot: true, changes: [{ connection: 'c1', state: { x: 1 } }, { connection: 'c2', left: true }] },
    ];
    for (const m of server) expect(parseServerMessage(JSON.parse(JSON.stringify(toWire(m))))).toEqual({ ok: true, value: m });
    expect(toWire({ type: 'update', id: 'u1', update }).update).toBe(encodeBase64(update));
  });

  it('[COLLAB-2] malformed messages are error values, never throws', () => {
    const bad: unknown[] = [
      null, 42, 'x', [], {}, { v: 2, type: 'sync-1', stateVector: '' }, { v: 1, type: 'nope' },
      { v: 1, type: 'sync-1', stateVector: 'not base64!' }, { v: 1, type: 'sync-1' },
      { v: 1, type: 'update', update: 'AAA=' }, { v: 1, type: 'update', id: '', update: 'AAA=' },
      { v: 1, type: 'update', id: 'x'.repeat(129), update: 'AAA=' }, { v: 1, type: 'update', id: 'u', update: 'AAA' },
      { v: 1, type: 'presence-set', state: 'hi' }, { v: 1, type: 'presence-set', state: [1] },
      { v: 1, type: 'presence-set', state: { big: 'x'.repeat(9000) } },
    ];
    for (const data of bad) {
      const result = parseClientMessage(data);
      expect(result.ok, JSON.stringify(data)?.slice(0, 80)).toBe(false);
      if (!result.ok) expect(['message_invalid', 'update_invalid']).toContain(result.error.code);
    }
    const badServer: unknown[] = [
      { v: 1, type: 'sync-2', update: 'AA==', stateVector: 'AA==' }, { v: 1, type: 'room-update', update: 'AA==' },
      { v: 1, type: 'ack', ids: [1] }, { v: 1, type: 'error', code: 'made_up', message: 'x' },
      { v: 1, type: 'presence', snapshot: false, changes: [{ connection: 'c' }] }, { v: 1, type: 'presence', changes: [] },
    ];
    for (const data of badServer) expect(parseServerMessage(data).ok, JSON.stringify(data)).toBe(false);
  });

  it('[COLLAB-2] base64 is checked strictly (Node would skip unknown characters)', () => {
    expect(decodeBase64('AAECAw==')).toEqual(new Uint8Array([0, 1, 2, 3]));
    for (const bad of ['AAECAw=', 'AA ECAw==', 'AAE*', 'AAECAw===', 5]) expect(decodeBase64(bad)).toBeUndefined();
  });
});

describe('chunking', () => {
  it('[COLLAB-7] a 20 MB document passes a 256 KiB per-message limit and is reassembled', () => {
    const doc = new Y.Doc();
    // Incompressible bytes so the update really is 20 MB.
    const blob = new Uint8Array(20_000_000);
    let seed = 7;
    for (let i = 0; i < blob.length; i++) blob[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    doc.getMap('m').set('blob', blob);
    const update = Y.encodeStateAsUpdate(doc);
    expect(update.length).toBeGreaterThanOrEqual(20_000_000);
    const wire = writeWire({ type: 'sync-2', update, stateVector: Y.encodeStateVector(doc), connection: 'c1' }, { newTransferId });
    expect(wire.length).toBeGreaterThan(100);
    for (const m of wire) expect(serialisedBytes(m)).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES - 2048);
    const reader = serverMessageReader();
    const results = wire.map((m) => reader.read(JSON.parse(JSON.stringify(m))));
    expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
    const last = results.at(-1);
    expect(last?.ok).toBe(true);
    if (last?.ok && last.value.type === 'sync-2') expect(Buffer.from(last.value.update).equals(Buffer.from(update))).toBe(true);
  });

  it('[COLLAB-7] chunk sizes hold for payloads full of escapes, multi-byte characters and surrogate pairs', () => {
    const nasty = '"\\\n\u0001é☃😀'.repeat(3000) + '\ud800';
    const message = toWire({ type: 'presence-set', state: { nasty } });
    const wire = splitForWire(message, { maxMessageBytes: 8192, newTransferId });
    expect(wire.length).toBeGreaterThan(5);
    for (const m of wire) expect(serialisedBytes(m)).toBeLessThanOrEqual(8192 - 2048);
    const reader = clientMessageReader({ maxPresenceBytes: 1 << 20 });
    const out = wire.map((m) => reader.read(JSON.parse(JSON.stringify(m)))).at(-1);
    expect(out).toEqual({ ok: true, value: { type: 'presence-set', state: { nasty } } });
    // ASCII with quotes and backslashes only (measured without a per-character loop), dense or all escapes.
    for (const ascii of ['"\\ab'.repeat(5000), '"'.repeat(20_000), `${'A'.repeat(9000)}"\\"`.repeat(3)]) {
      const parts = splitForWire(toWire({ type: 'presence-set', state: { ascii } }), { maxMessageBytes: 8192, newTransferId });
      expect(parts.length).toBeGreaterThan(2);
      for (const m of parts) expect(serialisedBytes(m)).toBeLessThanOrEqual(8192 - 2048);
      const asciiReader = clientMessageReader({ maxPresenceBytes: 1 << 20 });
      expect(parts.map((m) => asciiReader.read(JSON.parse(JSON.stringify(m)))).at(-1)).toEqual({ ok: true, value: { type: 'presence-set', state: { ascii } } });
    }
    // A message that fits is sent as itself.
    expect(splitForWire(toWire({ type: 'ack', ids: ['a'] }), { newTransferId })).toHaveLength(1);
    // Flat messages (strings, scalars, lists of strings) are first judged by a bound on their size:
    // one over it that still fits goes as itself, and one of escapes past the limit is chunked.
    const limit = { maxMessageBytes: 8192, newTransferId };
    const plain = toWire({ type: 'error', code: 'store_failed', message: 'a'.repeat(5000) });
    expect(splitForWire(plain, limit)).toEqual([plain]);
    for (const escapes of ['\u0001'.repeat(1500), '"'.repeat(4000), '😀'.repeat(1500)]) {
      const flat = toWire({ type: 'ack', ids: [escapes.slice(0, 100), escapes] });
      const parts = splitForWire(flat, limit);
      expect(parts.length).toBeGreaterThan(1);
      for (const m of parts) expect(serialisedBytes(m)).toBeLessThanOrEqual(8192 - 2048);
    }
  });

  it('[COLLAB-7] incomplete, contradictory, duplicated, oversized or nested transfers are refused', () => {
    const chunk = (transfer: string, index: number, count: number, part: string) => ({ v: 1, type: 'chunk', transfer, index, count, part });
    const a = new ChunkAssembler({ maxTransferBytes: 100 });
    expect(a.accept(chunk('t', 0, 2, '{"v":1,'))).toEqual({ kind: 'pending' });
    expect(a.accept(chunk('t', 0, 2, 'again')).kind).toBe('error'); // duplicate
    expect(a.accept(chunk('t', 1, 2, '"type":"ack"}')).kind).toBe('error'); // its transfer already failed
    expect(a.accept(chunk('u', 0, 2, 'x')).kind).toBe('pending');
    expect(a.accept(chunk('u', 1, 3, 'y')).kind).toBe('error'); // count differs
    for (const bad of [chunk('v', 2, 2, 'x'), chunk('v', 0, 1, 'x'), chunk('v', -1, 2, 'x'), chunk('v', 0, 2.5, 'x'), { v: 1, type: 'chunk', index: 0, count: 2, part: 'x' }, { ...chunk('v', 0, 2, 'x'), part: 3 }]) {
      expect(new ChunkAssembler().accept(bad).kind, JSON.stringify(bad)).toBe('error');
    }
    const big = new ChunkAssembler({ maxTransferBytes: 10 });
    big.accept(chunk('b', 0, 3, '123456'));
    expect(big.accept(chunk('b', 1, 3, '789012'))).toMatchObject({ kind: 'error', error: { code: 'too_large' } });
    const notJson = new ChunkAssembler();
    notJson.accept(chunk('n', 0, 2, '{"v":'));
    expect(notJson.accept(chunk('n', 1, 2, 'oops'))).toMatchObject({ kind: 'error', error: { code: 'chunk_invalid' } });
    const nested = new ChunkAssembler();
    const inner = JSON.stringify(chunk('x', 0, 2, 'y'));
    nested.accept(chunk('m', 0, 2, inner.slice(0, 5)));
    expect(nested.accept(chunk('m', 1, 2, inner.slice(5))).kind).toBe('error');
    // A transfer cut off by a disconnect never completes; reset forgets it.
    const cut = new ChunkAssembler();
    cut.accept(chunk('c', 0, 2, '{"v":1,'));
    expect(cut.pendingTransfers).toBe(1);
    cut.reset();
    expect(cut.accept(chunk('c', 1, 2, '"type":"ack","ids":[]}'))).toEqual({ kind: 'pending' });
    const limited = new ChunkAssembler({ maxTransfers: 1 });
    limited.accept(chunk('p', 0, 2, 'x'));
    expect(limited.accept(chunk('q', 0, 2, 'x')).kind).toBe('error');
  });

  it('[COLLAB-7] a large update travels as slices of its base64, each decoded as it arrives, and is read back whole', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'x'.repeat(30_000)); // a 30 KB update against an 8 KiB limit
    const update = Y.encodeStateAsUpdate(doc);
    const sent: ServerMessage = { type: 'sync-2', update, stateVector: Y.encodeStateVector(doc), connection: 'c1' };
    const wire = writeWire(sent, { maxMessageBytes: 8192, newTransferId });
    expect(wire.length).toBeGreaterThan(3);
    for (const m of wire) expect(serialisedBytes(m)).toBeLessThanOrEqual(8192 - 2048);
    // The first chunk leads with the rest of the message; every part is a plain piece of the
    // update's base64, never message JSON to be parsed a second time.
    expect(wire[0]).toMatchObject({ type: 'chunk', field: 'update', size: update.length, head: { v: 1, type: 'sync-2', connection: 'c1', stateVector: encodeBase64(sent.stateVector) } });
    expect(wire.map((m) => m.part).join('')).toBe(encodeBase64(update));
    for (const m of wire) expect(m.part).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
    const reader = serverMessageReader();
    const results = wire.map((m) => reader.read(JSON.parse(JSON.stringify(m))));
    expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
    expect(results.at(-1)).toEqual({ ok: true, value: sent });
    // A member's large edit reaches the server the same way.
    const edit = writeWire({ type: 'update', id: 'u1', update }, { maxMessageBytes: 8192, newTransferId });
    const server = clientMessageReader();
    expect(edit.map((m) => server.read(JSON.parse(JSON.stringify(m)))).at(-1)).toEqual({ ok: true, value: { type: 'update', id: 'u1', update } });
    // A piece that is not base64 fails the transfer where it arrives, not after the rest.
    const broken = writeWire(sent, { maxMessageBytes: 8192, newTransferId }).map((m, i) => (i === 1 ? { ...m, part: `*${String(m.part).slice(1)}` } : m));
    const early = serverMessageReader();
    expect(early.read(broken[0])).toBeUndefined();
    expect(early.read(broken[1])).toMatchObject({ ok: false, error: { code: 'update_invalid' } });
    expect(early.read(broken[2])).toMatchObject({ ok: false, error: { code: 'chunk_invalid' } }); // its transfer has failed
  });

  it('[COLLAB-7] every joiner of one document state is sent the same piece chunks, and reads its own sync step 2', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'y'.repeat(30_000));
    const update = Y.encodeStateAsUpdate(doc);
    const stateVector = Y.encodeStateVector(doc);
    const to = (connection: string): ServerMessage => ({ type: 'sync-2', update, stateVector, connection });
    const options = { maxMessageBytes: 8192, newTransferId };
    const [a, b] = [writeWire(to('c1'), options), writeWire(to('c2'), options)];
    // The pieces are the same frozen objects (the server serialises them once); each first chunk
    // leads its own message with an empty part, under the pieces' transfer id.
    expect(a.length).toBeGreaterThan(3);
    expect(a.slice(1)).toEqual(b.slice(1));
    a.slice(1).forEach((piece, i) => expect(piece).toBe(b[i + 1]));
    for (const piece of a.slice(1)) expect(Object.isFrozen(piece)).toBe(true);
    expect(a[0]).toMatchObject({ part: '', transfer: a[1]!.transfer, head: { connection: 'c1' } });
    expect(b[0]).toMatchObject({ part: '', transfer: a[1]!.transfer, head: { connection: 'c2' } });
    for (const m of a) expect(serialisedBytes(m)).toBeLessThanOrEqual(8192 - 2048);
    const wireOf = (ms: WireMessage[]): unknown[] => ms.map((m) => JSON.parse(JSON.stringify(m)));
    // One member given the transfer twice in a row (a second handshake) reads it twice; one whose
    // reader was reset halfway (a reconnect) drops the rest and reads the next one whole.
    const reader = serverMessageReader();
    expect([...wireOf(a), ...wireOf(a)].map((m) => reader.read(m)).filter(Boolean)).toEqual([{ ok: true, value: to('c1') }, { ok: true, value: to('c1') }]);
    const other = serverMessageReader();
    wireOf(b).slice(0, 2).forEach((m) => expect(other.read(m)).toBeUndefined());
    other.reset();
    expect([...wireOf(b).slice(2), ...wireOf(b)].map((m) => other.read(m)).filter(Boolean)).toEqual([{ ok: true, value: to('c2') }]);
  });

  it('[COLLAB-7] pieces decode into place in Node and, without Buffer, as a browser does', async () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 37) & 255);
    const [head, tail, all] = [encodeBase64(bytes.subarray(0, 150)), encodeBase64(bytes.subarray(150, 299)), encodeBase64(bytes)];
    const check = (decodeInto: typeof decodeBase64Into): void => {
      const target = new Uint8Array(310);
      expect(decodeInto(head, target, 0)).toBe(150);
      expect(decodeInto(tail, target, 150)).toBe(149);
      expect(target.subarray(0, 299)).toEqual(bytes.subarray(0, 299));
      for (const bad of ['AA-_', 'AAE*', 'AAECAw=', 'AA==AAAA', 'AAAA AAA', 'AA\nA', 'QU\u00e9D', 'QUJ\u0000', 'AB=C', '====']) expect(decodeInto(bad, target, 0), bad).toBeUndefined();
      expect(decodeInto(all, target, 20)).toBeUndefined(); // does not fit
      // The length a caller already read from decodedLength is taken, not checked again.
      expect(decodeInto(head, target, 0, decodedLength(head))).toBe(150);
      expect(decodedLength('AAECA')).toBeUndefined(); // not a multiple of 4: not canonical base64
    };
    check(decodeBase64Into);
    vi.stubGlobal('Buffer', undefined);
    try {
      vi.resetModules();
      const browser = (await import('../src/protocol/base64.js')) as { decodeBase64Into: typeof decodeBase64Into; decodeBase64: typeof decodeBase64 };
      expect(browser.decodeBase64Into).not.toBe(decodeBase64Into);
      check(browser.decodeBase64Into);
      expect(browser.decodeBase64(head)).toEqual(bytes.subarray(0, 150));
      expect(browser.decodeBase64('AAAA AAA')).toBeUndefined(); // atob alone would skip the space
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('[COLLAB-7] a binary transfer out of order, padded early, short, long, oversized or with a bad head is refused', () => {
    const bytes = new Uint8Array(30).map((_, i) => i);
    const b64 = encodeBase64(bytes); // 40 characters
    const head = { v: 1, type: 'room-update', origin: 'c1' };
    const first = (transfer: string, extra: Record<string, unknown> = {}) => ({ v: 1, type: 'chunk', transfer, index: 0, count: 2, part: b64.slice(0, 20), head, field: 'update', size: 30, ...extra });
    const second = (transfer: string, part = b64.slice(20), index = 1) => ({ v: 1, type: 'chunk', transfer, index, count: 2, part });
    const whole = new ChunkAssembler();
    expect(whole.accept(first('ok'))).toEqual({ kind: 'pending' });
    expect(whole.accept(second('ok'))).toEqual({ kind: 'message', data: { ...head, update: bytes } });
    const refused: Array<[string, object[], string]> = [
      ['out of order', [first('a', { count: 3 }), { ...second('a', b64.slice(20, 32), 2), count: 3 }], 'chunk_invalid'],
      ['padded before the last piece', [first('b', { part: encodeBase64(bytes.subarray(0, 14)) })], 'chunk_invalid'],
      ['fewer bytes than its size', [first('c', { size: 31 }), second('c')], 'chunk_invalid'],
      ['more bytes than its size', [first('d', { size: 29 }), second('d')], 'chunk_invalid'],
      ['a piece that is not base64', [first('e'), second('e', `${b64.slice(20, 39)}!`)], 'update_invalid'],
      ['a field that is not binary', [first('f', { field: 'connection' })], 'chunk_invalid'],
      ['no head', [first('g', { head: 'x' })], 'chunk_invalid'],
      ['a nested chunk', [first('h', { head: { v: 1, type: 'chunk' } })], 'chunk_invalid'],
      ['no size', [first('i', { size: -1 })], 'chunk_invalid'],
    ];
    for (const [why, chunks, code] of refused) {
      const a = new ChunkAssembler();
      expect(chunks.map((c) => a.accept(c)).at(-1), why).toMatchObject({ kind: 'error', error: { code } });
      expect(a.pendingTransfers, why).toBe(0);
    }
    // A claim of a huge field is refused on its first chunk, before anything is allocated for it.
    expect(new ChunkAssembler({ maxTransferBytes: 1000 }).accept(first('j', { size: 2 ** 40 }))).toMatchObject({ kind: 'error', error: { code: 'too_large' } });
    // A chunk whose transfer's first chunk never came (lost, or sent before a reset) is dropped.
    const late = new ChunkAssembler();
    expect(late.accept(second('k'))).toEqual({ kind: 'pending' });
    expect(late.pendingTransfers).toBe(0);
  });

  it('[COLLAB-7] the reader passes a malformed reassembled message on as an error value', () => {
    const reader = clientMessageReader();
    const wire = splitForWire({ v: 1, type: 'update', id: 'u', update: 'A'.repeat(10_001) }, { maxMessageBytes: 4096, newTransferId });
    const result = wire.map((m) => reader.read(m)).at(-1);
    expect(result).toMatchObject({ ok: false, error: { code: 'update_invalid' } });
  });
});
