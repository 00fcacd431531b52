/**
 * [DEMO-18] The lobby's picture of each room's board: `GET /previews/<room>.svg` renders the board on
 * the server — `openDocument` (the server in the room, hidden) and the whiteboard's own SVG export —
 * so a visitor sees what is drawn before entering. The demo's rooms are open to anyone; a real app
 * asks here whether the viewer may see the room, as its `authorize` does for members.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boardToSvg, isValidRoomId, readBoardShapes } from '@kuiper/collab';
import type { AttachedCollab } from '@kuiper/collab/server';

const PREVIEW = /^\/previews\/([^/]+)\.svg$/;
/** A busy lobby asks for the same board many times: one rendering serves them for this long. */
const FRESH_MS = 2000;

export function boardPreviews(collab: Pick<AttachedCollab, 'openDocument'>): (req: IncomingMessage, res: ServerResponse) => boolean {
  const recent = new Map<string, { at: number; svg: Promise<string> }>();
  const render = async (room: string): Promise<string> => {
    const handle = await collab.openDocument(room);
    try {
      return boardToSvg(readBoardShapes(handle.doc));
    } finally {
      await handle.close();
    }
  };
  return (req, res) => {
    const match = PREVIEW.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!match || req.method !== 'GET') return false;
    const room = match[1]!;
    if (!isValidRoomId(room)) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('not a room id');
      return true;
    }
    const now = Date.now();
    for (const [id, entry] of recent) if (now - entry.at > FRESH_MS) recent.delete(id);
    let entry = recent.get(room);
    if (!entry) recent.set(room, (entry = { at: now, svg: render(room) }));
    entry.svg.then(
      (svg) => res.writeHead(200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'no-store' }).end(svg),
      (error: unknown) => {
        recent.delete(room);
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`no preview: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return true;
  };
}
