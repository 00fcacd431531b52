/**
 * A backend writing on a board over HTTP (`@kuiper/collab`'s documents API, COLLAB-43): builds a Yjs
 * update that adds a text note with the whiteboard model, on a document of its own, and POSTs it.
 * Everyone in the room sees the note at once. Any language with a Yjs port can do the same.
 *
 *   KUIPER_API_KEY=... node --import tsx scripts/post-note.ts http://127.0.0.1:3000 <room> "text"
 */
import * as Y from 'yjs';
import { createBoard, PresenceState } from '@kuiper/collab';

export async function postNote(origin: string, room: string, text: string, apiKey: string): Promise<Response> {
  const doc = new Y.Doc();
  // The model needs a presence to read peers from; this document has none to show.
  const board = createBoard({ doc, presence: new PresenceState({ send: () => undefined }) });
  const added = board.add({ kind: 'text', x: 80, y: 80, w: 240, h: 40, text, color: '#1971c2' });
  if (!added.ok) throw new Error(added.error.message);
  return fetch(`${origin}/api/rooms/${encodeURIComponent(room)}/ydoc`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(Y.encodeStateAsUpdate(doc)),
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [origin, room, text] = process.argv.slice(2);
  const apiKey = process.env['KUIPER_API_KEY'];
  if (!origin || !room || !text || !apiKey) {
    console.error('usage: KUIPER_API_KEY=... node --import tsx scripts/post-note.ts <origin> <room> <text>');
    process.exit(2);
  }
  const response = await postNote(origin, room, text, apiKey);
  console.log(response.status === 204 ? `posted to ${room}` : `refused: ${response.status} ${await response.text()}`);
  process.exit(response.status === 204 ? 0 : 1);
}
