/**
 * [BOARD-27] Pictures pasted from another room's board: assets belong to a room (COLLAB-47), so
 * `asset:<id>` means nothing here until this room has the same bytes. Before the shapes are added,
 * each picture this room lacks is fetched from where the copy says (the other room's URL) and
 * uploaded here: ids are the bytes' SHA-256, so the shapes keep their src. One that cannot be
 * fetched or taken is left to its thumbnail (BOARD-25).
 */
import type { RoomAssets } from '../../client/assets.js';
import type { NewShape } from '../../whiteboard/shape.js';

export async function bringAssets(shapes: readonly NewShape[], sources: ReadonlyMap<string, string>, assets: RoomAssets): Promise<void> {
  const wanted = new Set(shapes.flatMap(({ src }) => (src !== undefined && sources.has(src) ? [src] : [])));
  await Promise.all(
    [...wanted].map(async (src) => {
      const here = assets.url(src);
      const from = sources.get(src)!;
      if (here === undefined || new URL(here, location.href).href === from) return; // copied in this room
      try {
        // Already here (pasted before, or the same picture added here): nothing to bring.
        if ((await fetch(here, { method: 'HEAD' })).ok) return;
        const response = await fetch(from);
        if (response.ok) await assets.upload(await response.blob());
      } catch {
        // Unreachable or refused: the shape still comes, drawn from its thumbnail.
      }
    }),
  );
}
