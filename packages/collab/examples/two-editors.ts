// Two editors and a room authority in one process: every message goes through its JSON wire form,
// as it would over Kuiper channels, and both editors end with the same document, stored.
import {
  DocumentSync,
  MemoryStore,
  RoomAuthority,
  clientMessageReader,
  serverMessageReader,
  writeWire,
  type ClientMessage,
  type ServerMessage,
} from '@kuiper/collab';

export async function twoEditors(): Promise<{ ada: string; bob: string; stored: number }> {
  const store = new MemoryStore();
  let transfers = 0;
  const wire = (m: ClientMessage | ServerMessage) => writeWire(m, { newTransferId: () => `t${++transfers}` }).map((w) => JSON.stringify(w));
  const editors = new Map<string, DocumentSync>();
  const readers = new Map([['ada', serverMessageReader()], ['bob', serverMessageReader()]]);

  // Server → member: what a Kuiper adapter does with /service replies and /rooms/<id>/doc.
  const deliver = (to: string, m: ServerMessage) => {
    for (const text of wire(m)) {
      const read = readers.get(to)?.read(JSON.parse(text));
      if (read?.ok) editors.get(to)?.receive(read.value);
    }
  };
  const loaded = await RoomAuthority.load({
    room: 'board-1',
    store,
    sendTo: deliver,
    broadcast: (m) => editors.forEach((_, name) => deliver(name, m)),
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const room = loaded.value;

  // Member → server: what the adapter does with messages on /service/rooms/<id>/sync, one reader
  // per connection; the connection id is the transport's (the Bayeux session), never the message's.
  for (const name of ['ada', 'bob']) {
    const fromMember = clientMessageReader();
    room.join(name, { canWrite: true });
    editors.set(name, new DocumentSync({
      send: (m) => {
        for (const text of wire(m)) {
          const read = fromMember.read(JSON.parse(text));
          if (read?.ok) void room.handle(name, read.value);
        }
      },
    }));
  }
  for (const sync of editors.values()) sync.connected();

  const [ada, bob] = [editors.get('ada')!, editors.get('bob')!];
  ada.doc.getText('notes').insert(0, 'Hello from Ada. ');
  bob.doc.getText('notes').insert(0, 'Bob here. ');
  await Promise.all([ada.flush(), bob.flush()]); // both edits are acknowledged: stored by the server

  const stored = (await store.load('board-1')).updates.length;
  await room.close();
  return { ada: ada.doc.getText('notes').toString(), bob: bob.doc.getText('notes').toString(), stored };
}
