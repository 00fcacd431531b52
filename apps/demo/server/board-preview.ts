/**
 * [DEMO-18] The lobby's picture of each room's board: `GET /previews/<room>.svg` renders the board on
 * the server — `openDocument` (the server in the room, hidden) and the whiteboard's own SVG export —
 * so a visitor sees what is drawn before entering. The demo's rooms are open to anyone; a real app
 * asks here whether the viewer may see the room, as its `authorize` does for members.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { boardToSvg, isValidRoomId, readBoardShapes, type Shape } from '@kuiper/collab';
import type { AttachedCollab } from '@kuiper/collab/server';

const PREVIEW = /^\/previews\/([^/]+)\.svg$/;
/** A busy lobby asks for the same board many times: one rendering serves them for this long. */
const FRESH_MS = 2000;
/**
 * The most thumbnail characters one preview carries (BOARD-25): each lobby visitor fetches it every
 * 5 s, so a board of fifty photos must not make it 400 KB. The largest pictures get theirs first:
 * in a picture 120 px wide, a small one is a few pixels either way.
 */
export const PREVIEW_THUMB_BUDGET = 48_000;

/** The shapes as the preview draws them: thumbnails for the largest pictures within `budget`, boxes for the rest. */
export function previewShapes(shapes: readonly Shape[], budget = PREVIEW_THUMB_BUDGET): Shape[] {
  const kept = new Set<string>();
  let left = budget;
  const byArea = shapes.filter((s) => s.thumb !== undefined).sort((a, b) => Math.abs(b.w * b.h) - Math.abs(a.w * a.h));
  for (const shape of byArea) {
    if (shape.thumb!.length > left) continue;
    kept.add(shape.id);
    left -= shape.thumb!.length;
  }
  return shapes.map((shape) => {
    if (shape.thumb === undefined || kept.has(shape.id)) return shape;
    const { thumb: _dropped, ...box } = shape;
    return box;
  });
}

export function boardPreviews(collab: Pick<AttachedCollab, 'openDocument'>): (req: IncomingMessage, res: ServerResponse) => boolean {
  const recent = new Map<string, { at: number; svg: Promise<string> }>();
  const render = async (room: string): Promise<string> => {
    const handle = await collab.openDocument(room);
    try {
      return boardToSvg(previewShapes(readBoardShapes(handle.doc)));
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
