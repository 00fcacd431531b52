// A lobby page's data: every room with who is in it and its last chat message, live. The rooms'
// `authorize` decides what each viewer sees: here only staff see the `staff-only` room.
import { createKuiperServer } from '@kuiper/server';
import { createClient } from '@kuiper/client';
import { enterLobby, enterRoom, MemoryStore, type Lobby, type LobbyRoom } from '@kuiper/collab';
import { attachCollab } from '@kuiper/collab/server';

/** Resolves with the lobby's rooms once `check` holds for them. */
const until = (lobby: Lobby, check: (rooms: readonly LobbyRoom[]) => boolean): Promise<readonly LobbyRoom[]> =>
  new Promise((resolve) => {
    const test = (): void => void (check(lobby.rooms()) && (off(), resolve(lobby.rooms())));
    const off = lobby.subscribe(test);
    test();
  });

export async function lobbyPage(): Promise<{ staff: string[]; guest: string[]; lastMessage?: string }> {
  const kuiper = createKuiperServer({
    path: '/bayeux',
    policy: { canHandshake: (m) => ({ data: { user: String(m.ext?.['user'] ?? 'guest') } }) },
  });
  const collab = attachCollab(kuiper, {
    store: new MemoryStore(),
    authorize: (room, session) => {
      if (room === 'staff-only' && (session.data as { user: string }).user !== 'staff') throw new Error('staff only');
      return { canWrite: true };
    },
  });
  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
  const [ada, bob, staff, guest] = ['ada', 'bob', 'staff', 'guest'].map((user) => createClient(url, { ext: { user } }));

  const rooms = [
    enterRoom(ada!, 'welcome', { presence: { name: 'Ada' } }),
    enterRoom(bob!, 'welcome', { presence: { name: 'Bob' } }),
    enterRoom(staff!, 'staff-only', { presence: { name: 'Sam' } }),
  ];
  await Promise.all(rooms.map((room) => room.synced));

  const staffLobby = enterLobby(staff!); // a snapshot, then live changes
  const guestLobby = enterLobby(guest!); // or enterLobby(client, { onChange: (rooms) => render(rooms) })
  await Promise.all([staffLobby.ready, guestLobby.ready]);
  // The chat module broadcasts on /rooms/<id>/chat; the lobby keeps each room's last message.
  await kuiper.publish('/rooms/welcome/chat', {
    v: 1, type: 'chat', event: 'message',
    message: { serial: 1, author: { id: 'ada', name: 'Ada' }, text: 'Hi all!', sentAt: Date.now() },
  });
  const seen = await until(guestLobby, (list) => list.some((r) => r.count === 2 && r.lastMessage !== undefined));
  const staffSees = await until(staffLobby, (list) => list.length === 2);

  const describe = (list: readonly LobbyRoom[]): string[] =>
    list.map((r) => `${r.id}: ${r.members.map((m) => m.name).join(', ')} (${r.count})`).sort();
  const result = { staff: describe(staffSees), guest: describe(seen), lastMessage: seen[0]?.lastMessage?.text };
  staffLobby.leave();
  guestLobby.leave();
  rooms.forEach((room) => room.leave());
  await Promise.all([ada, bob, staff, guest].map((client) => client!.disconnect()));
  await collab.detach();
  await kuiper.close();
  return result;
}
