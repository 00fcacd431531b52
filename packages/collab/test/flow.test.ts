// [COLLAB-27] The server's replies to one member: in order, at most a window of chunks unpulled.
import { describe, expect, it } from 'vitest';
import { isCreditedChunk, pullMessage, readPull, ReplyOutbox } from '../src/protocol/flow.js';
import type { WireMessage } from '../src/index.js';

const chunk = (index: number): WireMessage => ({ v: 1, type: 'chunk', transfer: 't', index, count: 10, part: 'x' });

describe('reply flow control', () => {
  it('[COLLAB-27] holds chunks past the window, in order, until pulled; a pull never raises credit past the window', () => {
    const sent: WireMessage[] = [];
    const box = new ReplyOutbox((m) => sent.push(m), 3);
    for (let i = 0; i < 6; i++) box.send(chunk(i));
    box.send({ v: 1, type: 'ack', ids: ['a'] }); // behind the held chunks: order is kept
    expect(sent.map((m) => m['index'])).toEqual([0, 1, 2]);
    expect(sent.every(isCreditedChunk)).toBe(true);
    expect(box.waiting).toBe(4);

    box.pulled(1);
    expect(sent.map((m) => m['index'] ?? m.type)).toEqual([0, 1, 2, 3]);
    box.pulled(100); // a member cannot buy more than a window
    expect(sent.map((m) => m['index'] ?? m.type)).toEqual([0, 1, 2, 3, 4, 5, 'ack']);
    box.send(chunk(6));
    box.send(chunk(7));
    expect(sent).toHaveLength(8); // the capped credit of 3: chunks 4, 5 and 6; chunk 7 waits
    expect(box.waiting).toBe(1);
  });

  it('[COLLAB-27] a shared (frozen) chunk is credited as one shared copy for every member', () => {
    const piece = Object.freeze(chunk(1));
    const a: WireMessage[] = [];
    const b: WireMessage[] = [];
    new ReplyOutbox((m) => a.push(m)).send(piece);
    new ReplyOutbox((m) => b.push(m)).send(piece);
    expect(a[0]).toEqual({ ...piece, credit: true });
    expect(a[0]).toBe(b[0]);
    expect(Object.isFrozen(a[0])).toBe(true);
    const own = chunk(2); // not shared: its own credited copy each time
    new ReplyOutbox((m) => a.push(m)).send(own);
    new ReplyOutbox((m) => b.push(m)).send(own);
    expect(a[1]).toEqual(b[1]);
    expect(a[1]).not.toBe(b[1]);
  });

  it('[COLLAB-27] an outbox is idle (the server may drop it) only with nothing queued and nothing unpulled', () => {
    const box = new ReplyOutbox(() => undefined, 2);
    expect(box.idle).toBe(true);
    box.send({ v: 1, type: 'ack', ids: ['a'] }); // a small reply leaves at once
    expect(box.idle).toBe(true);
    for (let i = 0; i < 3; i++) box.send(chunk(i));
    expect(box.idle).toBe(false); // one chunk waits, two are unpulled
    box.pulled(2);
    expect(box.idle).toBe(false); // the third went out and is unpulled
    box.pulled(1);
    expect(box.idle).toBe(true);
  });

  it('[COLLAB-27] a pull is read only when well-formed; anything else is left to the room', () => {
    expect(readPull(pullMessage(8))).toEqual({ type: 'pull', chunks: 8 });
    for (const bad of [null, 'pull', { v: 1, type: 'pull' }, { v: 1, type: 'pull', chunks: 0 }, { v: 1, type: 'pull', chunks: 1.5 }, { v: 2, type: 'pull', chunks: 1 }]) {
      expect(readPull(bad)).toBeUndefined();
    }
    expect(isCreditedChunk(chunk(0))).toBe(false);
  });
});
