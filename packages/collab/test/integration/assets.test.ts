// [COLLAB-47] Rooms' pictures over HTTP: real servers at port 0 serving `collab.assets` beside
// Bayeux, real members uploading through `room.assets`, plain fetch reading as a browser's <image>.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { MemoryStore, pictureType, roomChannels, type DocumentStore } from '../../src/index.js';
import { member, startCollab, twoCollabNodes } from './helpers.js';
import { serve } from './processes.js';

// A real 1×1 PNG (a red pixel), and a GIF and a WebP header.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const blob = (bytes: Uint8Array, type = 'image/png'): Blob => new Blob([new Uint8Array(bytes)], { type });

/** The session's data is what its handshake's `ext.role` said: `viewer` may read only. */
const byRole = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { role: m.ext?.['role'] ?? null } }) } };

async function withAssets(collab: Parameters<typeof startCollab>[0] = {}) {
  const server = await startCollab(collab, byRole);
  const assetsUrl = `${new URL(server.url).origin}/kuiper-assets`;
  return { ...server, assetsUrl };
}

describe('[COLLAB-47] the rooms\' assets', () => {
  it('a member uploads a picture once; the room refers to it by its hash and anyone with the reference reads it, cached for good', async () => {
    const { url, assetsUrl, store } = await withAssets();
    const ada = member(url, 'gallery', { assetsUrl }).room;
    await ada.synced;
    const uploaded = await ada.assets!.upload(blob(PNG));
    expect(uploaded).toEqual({ ok: true, value: `asset:${sha256(PNG)}` });
    // The same picture again is the same asset: stored once.
    expect(await ada.assets!.upload(blob(PNG))).toEqual(uploaded);
    expect([...((await store.getAsset!('gallery', sha256(PNG))) ?? [])]).toEqual([...PNG]);

    const where = ada.assets!.url(`asset:${sha256(PNG)}`)!;
    expect(where).toBe(`${assetsUrl}/gallery/${sha256(PNG)}`);
    const read = await fetch(where); // no credential: the reference is what the document holds
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('image/png');
    expect(read.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(read.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await read.arrayBuffer()).equals(PNG)).toBe(true);
    const again = await fetch(where, { headers: { 'If-None-Match': read.headers.get('etag')! } });
    expect(again.status).toBe(304);

    // Another room has no such asset, and no src but `asset:<id>` has a URL.
    expect((await fetch(`${assetsUrl}/elsewhere/${sha256(PNG)}`)).status).toBe(404);
    expect(ada.assets!.url('data:image/png;base64,AAAA')).toBeUndefined();
  });

  it('a viewer, a stranger, a non-picture, too large a one or a full room: a 4xx or 507 saying why, and nothing stored', async () => {
    const { url, assetsUrl, store } = await withAssets({
      authorize: (_room, session) => ({ canWrite: (session.data as { role?: string } | null)?.role !== 'viewer' }),
      assets: { maxBytes: 1024, maxRoomBytes: 2 * PNG.byteLength + 10 },
    });
    const ada = member(url, 'guarded', { assetsUrl }).room;
    await ada.synced;
    expect(await ada.assets!.upload(blob(new TextEncoder().encode('<svg onload="alert(1)"/>'), 'image/svg+xml'))).toMatchObject({
      ok: false,
      error: { code: 'asset_refused', message: 'a picture is PNG, JPEG, WebP or GIF' },
    });
    const large = new Uint8Array(2048);
    large.set(PNG.subarray(0, 8));
    expect(await ada.assets!.upload(blob(large))).toMatchObject({ ok: false, error: { code: 'asset_refused', message: 'a picture is at most 1024 bytes' } });

    // The room's pictures together stay within maxRoomBytes: a third is refused, and says why.
    const variant = (n: number): Uint8Array => Buffer.concat([PNG, Buffer.from([n])]);
    expect(await ada.assets!.upload(blob(variant(1)))).toMatchObject({ ok: true });
    expect(await ada.assets!.upload(blob(variant(2)))).toMatchObject({ ok: true });
    expect(await ada.assets!.upload(blob(variant(3)))).toMatchObject({
      ok: false,
      error: { code: 'asset_refused', message: `room guarded keeps at most ${2 * PNG.byteLength + 10} bytes of pictures` },
    });
    expect(await store.getAsset!('guarded', sha256(variant(3)))).toBeUndefined();
    expect(await ada.assets!.upload(blob(variant(1)))).toMatchObject({ ok: true }); // one it has is no more bytes

    // A request with no member behind it: no clientId, a made-up one, a member of another room.
    const post = (room: string, headers: Record<string, string>) => fetch(`${assetsUrl}/${room}`, { method: 'POST', headers, body: new Uint8Array(PNG) });
    const answer = async (response: Response) => [response.status, ((await response.json()) as { error: string }).error];
    expect(await answer(await post('guarded', {}))).toEqual([401, 'client_missing']);
    expect(await answer(await post('guarded', { 'X-Kuiper-Client': 'made-up' }))).toEqual([403, 'not_member']);
    const { client: bobClient, room: bob } = member(url, 'other', { assetsUrl });
    await bob.synced;
    expect(await answer(await post('guarded', { 'X-Kuiper-Client': bobClient.clientId! }))).toEqual([403, 'not_member']);
    expect(await answer(await post('bad room!', { 'X-Kuiper-Client': bobClient.clientId! }))).toEqual([400, 'room_invalid']);
    expect(await answer(await fetch(`${assetsUrl}/guarded/${sha256(PNG)}`, { method: 'DELETE' }))).toEqual([405, 'method_not_allowed']);
    expect(await answer(await fetch(`${assetsUrl}/guarded/not-an-id`))).toEqual([404, 'asset_not_found']);

    // A member `authorize` lets read only.
    const { room: vic } = member(url, 'guarded', { assetsUrl }, { ext: { role: 'viewer' } });
    await vic.synced;
    expect(await vic.assets!.upload(blob(PNG))).toMatchObject({ ok: false, error: { code: 'asset_refused' } });
    expect(await store.getAsset!('guarded', sha256(PNG))).toBeUndefined();
  });

  it('not connected, no route or a store that keeps none: `asset_unavailable`, so the picture can stay inline', async () => {
    const keepsNone: DocumentStore = Object.assign(Object.create(MemoryStore.prototype) as MemoryStore, new MemoryStore(), { putAsset: undefined, getAsset: undefined });
    const { url, assetsUrl } = await withAssets({ store: keepsNone });
    const ada = member(url, 'plain', { assetsUrl }).room;
    await ada.synced;
    expect(await ada.assets!.upload(blob(PNG))).toMatchObject({ ok: false, error: { code: 'asset_unavailable', message: 'picture not uploaded: this server’s document store keeps no assets' } });
    const lost = member(url, 'plain', { assetsUrl: `${new URL(url).origin}/nothing-here` }).room;
    await lost.synced;
    expect(await lost.assets!.upload(blob(PNG))).toMatchObject({ ok: false, error: { code: 'asset_unavailable' } });
    const { client, room: gone } = member(url, 'plain', { assetsUrl });
    await gone.synced;
    await client.disconnect();
    expect(await gone.assets!.upload(blob(PNG))).toMatchObject({ ok: false, error: { code: 'asset_unavailable', message: 'picture not uploaded: not connected' } });
    expect(member(url, 'plain').room.assets).toBeUndefined(); // no assetsUrl, no assets
  });

  it('on two nodes sharing Redis: a member of node A uploads through node B, and node A serves the picture', async () => {
    const { a, b } = await twoCollabNodes('collab-assets');
    const ada = member(a.url, 'spread', { assetsUrl: `${new URL(b.url).origin}/kuiper-assets` }).room;
    await ada.synced;
    await eventually(async () => expect((await b.server.subscribers(roomChannels('spread').doc)).length).toBe(1));
    const uploaded = await ada.assets!.upload(blob(PNG));
    expect(uploaded).toEqual({ ok: true, value: `asset:${sha256(PNG)}` });
    const read = await fetch(`${new URL(a.url).origin}/kuiper-assets/spread/${sha256(PNG)}`);
    expect(pictureType(new Uint8Array(await read.arrayBuffer()))).toBe('image/png');
  });

  it('[SERVE-8] `kuiper serve --collab` serves them, kept in --data, within --max-room-asset-bytes, to --allowed-origins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-assets-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const served = await serve(['--collab', '--data', dir, '--max-room-asset-bytes', String(PNG.byteLength + 1), '--allowed-origins', 'http://app.example']);
    const assetsUrl = `${new URL(served.url).origin}/kuiper-assets`;
    const ada = member(served.url, 'cli-pictures', { assetsUrl }).room;
    await ada.synced;
    expect(await ada.assets!.upload(blob(PNG))).toEqual({ ok: true, value: `asset:${sha256(PNG)}` });
    const read = await fetch(`${assetsUrl}/cli-pictures/${sha256(PNG)}`);
    expect([read.status, read.headers.get('content-type')]).toEqual([200, 'image/png']);
    // --allowed-origins reaches the pictures too.
    const preflight = await fetch(`${assetsUrl}/cli-pictures`, { method: 'OPTIONS', headers: { Origin: 'http://app.example' } });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin')]).toEqual([204, 'http://app.example']);
    // --max-room-asset-bytes holds: a second picture would pass it.
    expect(await ada.assets!.upload(blob(Buffer.concat([PNG, Buffer.from([1, 2])])))).toMatchObject({ ok: false, error: { code: 'asset_refused' } });
  }, 30_000);

  it('[CHAT-14] a picture in chat: uploaded to the room, sent with no text, in every member\'s window and the history; the moderation hook sees it; anything but the room\'s assets is refused', async () => {
    const seen: (readonly string[] | undefined)[] = [];
    const { url, assetsUrl } = await withAssets({ moderate: (_room, message) => void seen.push(message.images) });
    const ada = member(url, 'talk', { assetsUrl }).room;
    const bob = member(url, 'talk', { assetsUrl }).room;
    await Promise.all([ada.synced, bob.synced]);
    const uploaded = await ada.assets!.upload(blob(PNG));
    if (!uploaded.ok) throw new Error(uploaded.error.message);
    const sent = await ada.chat.send('', { images: [uploaded.value] });
    expect(sent).toMatchObject({ text: '', images: [uploaded.value] });
    expect(seen).toEqual([[uploaded.value]]);
    await eventually(() => expect(bob.chat.messages().map((m) => m.images)).toEqual([[uploaded.value]]));
    // Bob's page draws it from the room's assets.
    const read = await fetch(bob.assets!.url(bob.chat.messages()[0]!.images![0]!)!);
    expect(Buffer.from(await read.arrayBuffer()).equals(PNG)).toBe(true);
    // An edit changes the text only: the picture stays, and no text is fine.
    await ada.chat.edit(sent.serial, 'the plan');
    await eventually(() => expect(bob.chat.messages()[0]).toMatchObject({ text: 'the plan', images: [uploaded.value] }));
    expect(await ada.chat.edit(sent.serial, '')).toMatchObject({ text: '', images: [uploaded.value] }); // a picture needs no text
    await ada.chat.edit(sent.serial, 'the plan');
    const plain = await ada.chat.send('words only');
    await expect(ada.chat.edit(plain.serial, '')).rejects.toMatchObject({ code: 'message_invalid' }); // without one it does
    await ada.chat.delete(plain.serial);
    const late = member(url, 'talk', { assetsUrl }).room;
    await late.synced;
    await eventually(() => expect(late.chat.messages()[0]).toMatchObject({ text: 'the plan', images: [uploaded.value] }));

    for (const images of [['https://tracker.example/p.png'], [], Array.from({ length: 5 }, () => uploaded.value), ['data:image/png;base64,AAAA']]) {
      await expect(ada.chat.send('look', { images: images.length === 0 ? ['nope'] : images })).rejects.toMatchObject({ code: 'message_invalid' });
    }
    await expect(ada.chat.send('')).rejects.toMatchObject({ code: 'message_invalid' }); // no text and no picture
    // A well-formed id the room does not have (made up, or another room's) would be a broken picture for everyone.
    const elsewhere = member(url, 'elsewhere', { assetsUrl }).room;
    await elsewhere.synced;
    const theirs = await elsewhere.assets!.upload(blob(Buffer.concat([PNG, Buffer.from([1])])));
    if (!theirs.ok) throw new Error(theirs.error.message);
    const moderated = seen.length;
    for (const images of [[`asset:${'0'.repeat(64)}`], [uploaded.value, theirs.value]]) {
      await expect(ada.chat.send('look', { images })).rejects.toMatchObject({ code: 'message_invalid', message: expect.stringMatching(/^picture \d is not one of room talk's assets/) });
    }
    expect(seen).toHaveLength(moderated); // refused before moderation: the hook sees only what would go
    await ada.chat.delete(sent.serial);
    await eventually(() => expect(bob.chat.messages()[0]?.images).toBeUndefined());
    expect(bob.chat.messages().map((m) => m.serial)).toEqual([sent.serial, plain.serial]); // nothing else was stored
  });

  it('[COLLAB-47] a page of an allowed origin uploads and reads across origins (CORS); another origin gets no leave to', async () => {
    const { url, assetsUrl } = await withAssets({ assets: { allowedOrigins: ['http://app.example'] } });
    const { client, room: ada } = member(url, 'across', { assetsUrl });
    await ada.synced;
    const preflight = (origin: string) =>
      fetch(`${assetsUrl}/across`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-kuiper-client' } });
    const allowed = await preflight('http://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-kuiper-client');
    const refused = await preflight('http://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const posted = await fetch(`${assetsUrl}/across`, { method: 'POST', headers: { Origin: 'http://app.example', 'X-Kuiper-Client': client.clientId! }, body: new Uint8Array(PNG) });
    expect([posted.status, posted.headers.get('access-control-allow-origin')]).toEqual([201, 'http://app.example']);
    const read = await fetch(`${assetsUrl}/across/${sha256(PNG)}`, { headers: { Origin: 'http://app.example' } });
    expect([read.status, read.headers.get('access-control-allow-origin'), read.headers.get('vary')]).toEqual([200, 'http://app.example', 'Origin']);
    // A refusal is readable by the allowed page too, so it can say why.
    const tooMany = await fetch(`${assetsUrl}/across`, { method: 'POST', headers: { Origin: 'http://app.example' }, body: new Uint8Array(PNG) });
    expect([tooMany.status, tooMany.headers.get('access-control-allow-origin')]).toEqual([401, 'http://app.example']);
    const elsewhere = await fetch(`${assetsUrl}/across/${sha256(PNG)}`, { headers: { Origin: 'http://evil.example' } });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });
});
