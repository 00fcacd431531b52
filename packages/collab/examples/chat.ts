// Chat in a room: serials from the server, authors from the session, moderation on the server,
// edits and deletes as events, a read position per user, and reactions.
import { createKuiperServer } from '@kuiper/server';
import { createClient } from '@kuiper/client';
import { enterRoom, MemoryStore, type ChatMessage, type Room } from '@kuiper/collab';
import { attachCollab } from '@kuiper/collab/server';

/** Resolves once `check` holds, re-checked on every chat event. */
const until = (room: Room, check: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const off = room.chat.subscribe(() => void (check() && (off(), resolve())));
    if (check()) (off(), resolve());
  });

export async function chatRoom(): Promise<{ bobSees: string[]; first: ChatMessage; refused: string; unread: number; reactions: string[] }> {
  const kuiper = createKuiperServer({
    path: '/bayeux',
    // The session's user ({ id, name }) is the author of everything it sends: never the message body.
    policy: { canHandshake: (m) => ({ data: { user: m.ext?.['user'] } }) },
  });
  const collab = attachCollab(kuiper, {
    store: new MemoryStore(), // chat is kept with the documents: LevelStore on disk, RedisStore on Redis
    moderate: (_room, { text }) => (text.includes('spam') ? { reject: 'no spam here' } : { text: text.replaceAll('darn', 'd**n') }),
  });
  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
  const ada = createClient(url, { ext: { user: { id: 'ada', name: 'Ada' } } });
  const bob = createClient(url, { ext: { user: { id: 'bob', name: 'Bob' } } });
  const adaRoom = enterRoom(ada, 'lounge');
  const bobRoom = enterRoom(bob, 'lounge');
  await Promise.all([adaRoom.synced, bobRoom.synced]);

  const first = await adaRoom.chat.send('hello, darn it'); // resolves once stored: { serial: 1, author: Ada, … }
  const refused = await adaRoom.chat.send('buy spam').then(() => 'sent', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
  const typo = await bobRoom.chat.send('hi Ada, wellcome');
  await bobRoom.chat.edit(typo.serial, 'hi Ada, welcome'); // own messages only
  await until(adaRoom, () => adaRoom.chat.messages().at(-1)?.text === 'hi Ada, welcome');
  const unread = adaRoom.chat.unreadCount(); // Bob's message: Ada's own never count
  await adaRoom.chat.markRead(typo.serial); // stored per user: Ada's other tabs hear it
  await adaRoom.chat.react(typo.serial, '👋'); // anyone reacts to any message; react(…, false) takes it back
  await until(bobRoom, () => bobRoom.chat.messages().at(-1)?.reactions !== undefined);
  const reactions = (bobRoom.chat.messages().at(-1)?.reactions ?? []).map((r) => `${r.emoji} ${r.users.map((u) => u.name).join(', ')}`);

  const bobSees = bobRoom.chat.messages().map((m) => `${m.serial} ${m.author.name}: ${m.text}`);
  for (const room of [adaRoom, bobRoom]) room.leave();
  await Promise.all([ada.disconnect(), bob.disconnect()]);
  await collab.detach();
  await kuiper.close();
  return { bobSees, first, refused, unread, reactions };
}
