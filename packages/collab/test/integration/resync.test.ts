// [COLLAB-25] [CHAT-5] A member on a client without the ack extension loses what the server wrote to
// a connection that then died (or what the server says it lost: CLI-38); the room re-syncs the same
// session, so every edit, presence change and chat message still arrives.
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { member, startCollab, text } from './helpers.js';
import { startLossyProxy } from './lossy-proxy.js';
import type { Room } from '../../src/index.js';

const UNRECOVERED_CHANNEL = '/service/kuiper/unrecovered'; // @kuiper/client's CLI-38 notice

async function twoMembers(room: string) {
  const server = await startCollab();
  const proxy = await startLossyProxy(server);
  const ada = member(server.url, room, { presence: { name: 'Ada' }, throttleMs: 5 }).room;
  const bob = member(proxy.url, room, { presence: { name: 'Bob' }, throttleMs: 5 }, { transports: ['websocket'], ack: false });
  await Promise.all([ada.synced, bob.room.synced]);
  await eventually(() => expect(bob.room.chat.me()).toBeDefined());
  await eventually(() => expect(bob.room.presence.others().map((e) => e.state)).toEqual([{ name: 'Ada' }]));
  return { server, proxy, ada, bob };
}

/** Ada edits, moves her cursor and chats while Bob's messages are being thrown away; the chat line goes last. */
async function whileBobLoses(ada: Room, proxy: { swallowed(): string }, line: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    ada.doc.getText('t').insert(0, `edit ${i}. `);
    await ada.flush();
  }
  ada.presence.set({ cursor: 42 });
  await eventually(() => expect(ada.presence.get()).toMatchObject({ cursor: 42 }));
  await ada.chat.send(line);
  // The server wrote all of it to Bob's connection (FIFO per session): it is lost, not late.
  await eventually(() => expect(proxy.swallowed()).toContain(line));
}

function expectBobHasEverything(ada: Room, bob: Room, line: string) {
  expect(text(bob)).toBe(text(ada));
  expect(text(bob)).toContain('edit 4. ');
  expect(bob.presence.others().map((e) => e.state)).toEqual([{ name: 'Ada', cursor: 42 }]);
  expect(bob.chat.messages().map((m) => m.text)).toEqual([line]);
}

describe('re-sync without ack', () => {
  it('[COLLAB-25] [CHAT-5] a WebSocket that dies mid-stream on an ack:false client: after the reconnect every edit, presence change and chat message is there', async () => {
    const { proxy, ada, bob } = await twoMembers('resync-drop');
    const sessions: boolean[] = [];
    bob.client.onSession(({ resumed }) => sessions.push(resumed));
    proxy.swallow();
    await whileBobLoses(ada, proxy, 'hello from Ada');
    proxy.cut();
    await eventually(() => expectBobHasEverything(ada, bob.room, 'hello from Ada'), 10_000);
    expect(sessions).toEqual([true]); // the same server session went on: no ack, no new handshake
    // And the room goes on live both ways.
    bob.room.doc.getText('t').insert(0, 'Bob is back. ');
    await bob.room.flush();
    await eventually(() => expect(text(ada)).toBe(text(bob.room)));
  });

  it('[COLLAB-25] [CHAT-5] the server saying the room\'s messages are lost (CLI-38) makes the member re-sync on the same connection', async () => {
    const { server, proxy, ada, bob } = await twoMembers('resync-notice');
    proxy.swallow();
    await whileBobLoses(ada, proxy, 'lost line');
    proxy.pass(); // the connection lives on, but those messages are gone
    await server.server.deliver(bob.client.clientId ?? '', UNRECOVERED_CHANNEL, { channels: ['/rooms/resync-notice/doc'], reason: 'trimmed' });
    await eventually(() => expectBobHasEverything(ada, bob.room, 'lost line'), 10_000);
  });
});
