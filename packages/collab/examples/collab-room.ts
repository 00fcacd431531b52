// A room end to end: a Kuiper server with rooms attached, and two clients editing one document and
// seeing each other's cursor. Users come from the handshake; `authorize` makes guests read-only.
import { createKuiperServer } from '@kuiper/server';
import { createClient } from '@kuiper/client';
import { enterRoom, MemoryStore, type Room } from '@kuiper/collab';
import { attachCollab } from '@kuiper/collab/server';

/** Resolves once `check` holds, re-checked on every document or presence change of `room`. */
const until = (room: Room, check: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const test = (): void => void (check() && (offPresence(), room.doc.off('update', test), resolve()));
    const offPresence = room.presence.subscribe(test);
    room.doc.on('update', test);
    test();
  });

export async function collabRoom(): Promise<{ notes: string; adaSees: unknown[]; guestRefused: string }> {
  const kuiper = createKuiperServer({
    path: '/bayeux',
    policy: { canHandshake: (m) => ({ data: { user: String(m.ext?.['user'] ?? 'guest') } }) },
  });
  const collab = attachCollab(kuiper, {
    store: new MemoryStore(), // or a LevelStore (@kuiper/collab/stores/level): rooms on disk
    authorize: (_room, session) => ({ canWrite: (session.data as { user: string }).user !== 'guest' }),
  });
  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
  const [ada, bob, guest] = ['ada', 'bob', 'guest'].map((user) => createClient(url, { ext: { user } }));

  const adaRoom = enterRoom(ada!, 'board-1', { presence: { name: 'Ada', color: '#e4572e' } });
  const bobRoom = enterRoom(bob!, 'board-1', { presence: { name: 'Bob', color: '#2e86e4' } });
  await Promise.all([adaRoom.synced, bobRoom.synced]); // each doc holds the server's state

  bobRoom.doc.getText('notes').insert(0, 'Bob was here.');
  bobRoom.presence.set({ cursor: { x: 10, y: 20 } });
  await bobRoom.flush(); // Bob's edit is stored by the server
  await until(adaRoom, () => adaRoom.presence.others().some((o) => o.state['cursor']) && adaRoom.doc.getText('notes').length > 0);
  const adaSees = adaRoom.presence.others().map((o) => o.state); // one entry per other connection

  const guestRoom = enterRoom(guest!, 'board-1');
  await guestRoom.synced; // guests read…
  guestRoom.doc.getText('notes').insert(0, 'Guest! ');
  const guestRefused = await guestRoom.flush().then(() => 'stored', (e: { code: string }) => e.code); // …but cannot write

  const result = { notes: adaRoom.doc.getText('notes').toString(), adaSees, guestRefused };
  for (const room of [adaRoom, bobRoom, guestRoom]) room.leave();
  await Promise.all([ada, bob, guest].map((client) => client!.disconnect()));
  await collab.detach(); // every open room writes its final snapshot
  await kuiper.close();
  return result;
}
