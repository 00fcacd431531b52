// Two editors and a room in one process. Every message goes through its JSON wire form, as it would
// over Kuiper channels; the two `send`/`publish` callbacks are all a transport adapter has to supply.
import { MemoryStore, RoomHost, RoomMember } from '@kuiper/collab';

export async function twoEditors(): Promise<{ ada: string; bob: string; stored: number }> {
  const store = new MemoryStore();
  const editors = new Map<string, RoomMember>();
  const toEditor = (name: string, message: unknown) => editors.get(name)?.receive(JSON.parse(JSON.stringify(message)));

  const loaded = await RoomHost.load({
    room: 'board-1',
    store,
    sendTo: toEditor, // a reply to one connection
    publish: (_channel, message) => editors.forEach((_, name) => toEditor(name, message)), // /rooms/board-1/doc or /presence
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  const room = loaded.value;

  for (const name of ['ada', 'bob']) {
    room.join(name, { canWrite: true }); // the connection id is the transport's (the Bayeux session)
    const editor = new RoomMember({
      presence: { name },
      send: (_channel, message) => void room.receive(name, JSON.parse(JSON.stringify(message))),
    });
    editors.set(name, editor);
    editor.connected();
  }

  const [ada, bob] = [editors.get('ada')!, editors.get('bob')!];
  await Promise.all([ada.synced, bob.synced]);
  ada.doc.getText('notes').insert(0, 'Hello from Ada. ');
  bob.doc.getText('notes').insert(0, 'Bob here. ');
  await Promise.all([ada.flush(), bob.flush()]); // both edits are acknowledged: stored by the server

  const stored = (await store.load('board-1')).updates.length;
  await room.close();
  return { ada: ada.doc.getText('notes').toString(), bob: bob.doc.getText('notes').toString(), stored };
}
