// [COLLAB-48] Pictures no one uses any more: a real server at port 0, real members uploading, a
// board and a chat referring to some of them, and the room emptied (which runs a collection).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { createBoard, type Room } from '../../src/index.js';
import { collectAssets } from '../../src/server/index.js';
import { member, startCollab } from './helpers.js';
import { serve } from './processes.js';

// A real 1×1 PNG; a byte more after its end makes another picture (another id) of the same type.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const picture = (n: number): Blob => new Blob([new Uint8Array([...PNG, n])], { type: 'image/png' });
const idOf = (n: number): string => createHash('sha256').update(new Uint8Array([...PNG, n])).digest('hex');

async function uploaded(room: Room, n: number): Promise<string> {
  const result = await room.assets!.upload(picture(n));
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('[COLLAB-48] collecting the assets a room no longer uses', () => {
  it('an emptied room marks what nothing refers to; a later emptying, once it has been unused long enough, deletes it; what the board or the chat refers to stays', async () => {
    const { url, store } = await startCollab({ assets: { unusedForMs: 0 } });
    const assetsUrl = `${new URL(url).origin}/kuiper-assets`;
    const status = async (n: number): Promise<number> => (await fetch(`${assetsUrl}/tidy/${idOf(n)}`)).status;
    const ada = member(url, 'tidy', { assetsUrl }).room;
    await ada.synced;
    const board = createBoard(ada);
    const [onBoard, inChat, removed, loose] = await Promise.all([1, 2, 3, 4].map((n) => uploaded(ada, n)));
    board.add({ kind: 'image', x: 0, y: 0, w: 10, h: 10, src: onBoard! });
    const gone = board.add({ kind: 'image', x: 20, y: 0, w: 10, h: 10, src: removed! });
    await ada.chat.send('the plan', { images: [inChat!] });
    if (gone.ok) board.remove([gone.value.id]);
    await ada.flush();
    board.destroy();
    ada.leave(); // the room empties: its final snapshot, then a collection

    // Marked unused, not deleted: the first emptying only notes since when.
    const marked = async () => Object.fromEntries((await store.listAssets!('tidy')).map((a) => [a.id, a.unusedSince !== undefined]));
    await eventually(async () => expect(await marked()).toEqual({ [idOf(1)]: false, [idOf(2)]: false, [idOf(3)]: true, [idOf(4)]: true }), 10_000);
    expect(await Promise.all([1, 2, 3, 4].map(status))).toEqual([200, 200, 200, 200]);

    // Bob comes and goes: the second emptying deletes what has been unused long enough (here, at once).
    const bob = member(url, 'tidy', { assetsUrl }).room;
    await bob.synced;
    expect(createBoard(bob).shapes().map((s) => s.src)).toEqual([onBoard]);
    bob.leave();
    await eventually(async () => expect(await Promise.all([1, 2, 3, 4].map(status))).toEqual([200, 200, 404, 404]), 10_000);
    expect(await marked()).toEqual({ [idOf(1)]: false, [idOf(2)]: false });
    expect(loose).toBe(`asset:${idOf(4)}`);
  });

  it('a picture used again before it is due (uploaded again, or referred to again) is kept; the default keeps an unused one for 7 days', async () => {
    const { url, store } = await startCollab();
    const assetsUrl = `${new URL(url).origin}/kuiper-assets`;
    const ada = member(url, 'again', { assetsUrl }).room;
    await ada.synced;
    const src = await uploaded(ada, 7);
    ada.leave();
    await eventually(async () => expect((await store.listAssets!('again'))[0]?.unusedSince).toBeGreaterThan(0), 10_000);
    const since = (await store.listAssets!('again'))[0]!.unusedSince!;
    // Six days on, not due; eight days on, due — unless it was uploaded again meanwhile.
    const day = 24 * 60 * 60 * 1000;
    expect(await collectAssets(store, 'again', since + 6 * day)).toEqual({ unused: 1, deleted: [] });
    const bob = member(url, 'again', { assetsUrl }).room;
    await bob.synced;
    expect(await uploaded(bob, 7)).toBe(src); // the same picture: `exists`, and in use again
    expect(await store.listAssets!('again')).toEqual([{ id: idOf(7) }]);
    expect(await collectAssets(store, 'again', since + 8 * day)).toEqual({ unused: 1, deleted: [] }); // marked anew, not due
    expect(await collectAssets(store, 'again', since + 16 * day)).toEqual({ unused: 1, deleted: [idOf(7)] });
    expect(await store.getAsset!('again', idOf(7))).toBeUndefined();
  });

  it('[SERVE-8] `kuiper serve --collab --keep-unused-assets-days 0` deletes an unused picture at the room\'s second emptying, from --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-collect-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const served = await serve(['--collab', '--data', dir, '--keep-unused-assets-days', '0']);
    const assetsUrl = `${new URL(served.url).origin}/kuiper-assets`;
    const visit = async (): Promise<Room> => {
      const room = member(served.url, 'cli-tidy', { assetsUrl }).room;
      await room.synced;
      return room;
    };
    const ada = await visit();
    await uploaded(ada, 9);
    ada.leave();
    const status = async (): Promise<number> => (await fetch(`${assetsUrl}/cli-tidy/${idOf(9)}`)).status;
    // Each emptying collects; the first only marks, so the picture is there until a later one.
    for (let visits = 0; visits < 20 && (await status()) === 200; visits++) (await visit()).leave();
    expect(await status()).toBe(404);
  }, 30_000);
});
