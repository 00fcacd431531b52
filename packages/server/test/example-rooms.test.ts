// Runs the README's rooms example (examples/rooms.ts) with the real faye client and raw long-polling,
// and checks the README shows that very file (SPEC: LIFE-1..5, LIFE-7).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type DocumentStore, startRooms } from '../examples/rooms.js';
import { createFaye, type TestFaye } from './helpers/faye.js';
import { Cleanup, bayeux, eventually, handshakeMessage, immediateConnect, msgId, replyTo, type WireMessage } from './helpers/server.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function send(url: string, message: WireMessage): Promise<WireMessage> {
  const withId = { ...message, id: msgId() };
  return replyTo(await bayeux(url, [withId]), withId.id);
}

function fayeAs(url: string, user: string): TestFaye {
  const faye = createFaye(cleanup, url, 'long-polling');
  faye.client.addExtension({
    outgoing(message, callback) {
      if (message.channel === '/meta/handshake') message.ext = { user };
      callback(message);
    },
  });
  return faye;
}

describe('README example: rooms', () => {
  it('is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/rooms.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[LIFE-1][LIFE-3][LIFE-4][LIFE-5][LIFE-7] loads on the first member, edits as the session user, saves when the room empties', async () => {
    const store: DocumentStore = new Map([['r1', ['welcome']]]);
    const rooms = await startRooms(store);
    cleanup.add(() => rooms.close());

    const bob = fayeAs(rooms.url, 'bob');
    const left: unknown[] = [];
    await bob.subscribe('/people/left', (data) => left.push(data));

    // Ada joins over raw long-polling, so the test can end her session itself.
    const hs = await send(rooms.url, { ...handshakeMessage(), ext: { user: 'ada' } });
    const ada = hs.clientId as string;
    await bayeux(rooms.url, [immediateConnect(ada)]);
    const joined = await send(rooms.url, { channel: '/meta/subscribe', clientId: ada, subscription: ['/rooms/r1/doc', '/rooms/r1/presence'] });
    expect(joined.successful).toBe(true);
    expect(rooms.open.get('r1')).toEqual(['welcome']); // loaded before the subscribe was answered

    const lines: unknown[] = [];
    await bob.subscribe('/rooms/r1/doc', (data) => lines.push(data));
    // The client claims to be root, in the data and in ext: the line is written as ada.
    const edit = await send(rooms.url, {
      channel: '/service/rooms/edit',
      clientId: ada,
      data: { room: 'r1', text: 'hi', user: 'root' },
      ext: { user: 'root' },
    });
    expect(edit.data).toEqual({ ok: true });
    await eventually(() => expect(lines).toEqual([{ line: 'ada: hi' }]));
    const who = await send(rooms.url, { channel: '/service/rooms/who', clientId: ada, data: { room: 'r1' } });
    expect(who.data).toEqual(['ada']);

    // Ada leaves: bob hears it; bob still has the document open, so it stays loaded.
    await send(rooms.url, { channel: '/meta/disconnect', clientId: ada });
    await eventually(() => expect(left).toEqual([{ user: 'ada', reason: 'disconnect' }]));
    expect(store.get('r1')).toEqual(['welcome']);
    // The last member goes: the document is saved and unloaded.
    bob.client.unsubscribe('/rooms/r1/doc');
    await eventually(() => expect(store.get('r1')).toEqual(['welcome', 'ada: hi']));
    expect(rooms.open.has('r1')).toBe(false);
  });
});
