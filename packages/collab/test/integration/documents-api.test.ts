// [COLLAB-43] Rooms' documents over HTTP: a real server at port 0 serving the API beside Bayeux,
// real members in the room, plain fetch as a backend in another language would send it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createKuiperServer } from '@kuiper/server';
import { eventually, onCleanup } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { attachCollab, documentsApi } from '../../src/server/index.js';
import { member, text } from './helpers.js';
import { BIN, serve } from './processes.js';

const KEY = 'test-key-0123456789abcdef';
const auth = { Authorization: `Bearer ${KEY}` };

/** A Yjs update inserting `s` at the start of text `t`, made apart from any room, as a request body. */
function insertion(s: string): Uint8Array<ArrayBuffer> {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, s);
  return new Uint8Array(Y.encodeStateAsUpdate(doc));
}

async function startApi(maxBodyBytes?: number) {
  const kuiper = createKuiperServer({ path: '/bayeux' });
  const store = new MemoryStore();
  const collab = attachCollab(kuiper, { store });
  const api = documentsApi(collab, { apiKey: KEY, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1', otherRequests: api });
  onCleanup(() => kuiper.close());
  onCleanup(() => collab.detach());
  const origin = new URL(url).origin;
  return { url, kuiper, store, collab, doc: (room: string) => `${origin}/api/rooms/${room}/ydoc` };
}

describe('the documents HTTP API', () => {
  it('[COLLAB-50] [COLLAB-43] a backend saves a named version, reads it, and brings it back for the members; bad routes and bodies get clear answers', async () => {
    const { url, collab } = await startApi();
    const origin = new URL(url).origin;
    const versions = `${origin}/api/rooms/plan/versions`;
    const ada = member(url, 'plan').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'first draft');
    await ada.flush();

    const saved = await fetch(versions, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ label: 'Before import' }) });
    expect(saved.status).toBe(201);
    const { version } = (await saved.json()) as { version: { id: number; label: string } };
    expect(version).toMatchObject({ id: 1, label: 'Before import' });
    // The import goes wrong.
    await fetch(`${origin}/api/rooms/plan/ydoc`, { method: 'POST', headers: auth, body: insertion('garbage ') });
    // Made apart from the room, the insertion is concurrent with Ada's text: Yjs orders the two by client id.
    await eventually(() => expect([...text(ada)].sort().join('')).toBe([...'garbage first draft'].sort().join('')));

    const listed = (await (await fetch(versions, { headers: auth })).json()) as { versions: Array<{ id: number }> };
    expect(listed.versions.map((v) => v.id)).toEqual([1]);
    const state = new Uint8Array(await (await fetch(`${versions}/1`, { headers: auth })).arrayBuffer());
    const old = new Y.Doc();
    Y.applyUpdate(old, state);
    expect(old.getText('t').toString()).toBe('first draft');

    const restored = await fetch(`${versions}/1/restore`, { method: 'POST', headers: auth });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ before: { id: 2 } });
    await eventually(() => expect(text(ada)).toBe('first draft'));
    // From the server's own code too: the same versions through openDocument.
    const handle = await collab.openDocument('plan');
    expect((await handle.versions!.list()).map((v) => v.id)).toEqual([2, 1]);
    await handle.close();

    expect((await fetch(versions)).status).toBe(401);
    expect((await fetch(`${versions}/9`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${versions}/9/restore`, { method: 'POST', headers: auth })).status).toBe(404);
    expect((await fetch(`${versions}/1`, { method: 'POST', headers: auth })).status).toBe(405);
    const badLabel = await fetch(versions, { method: 'POST', headers: auth, body: JSON.stringify({ label: 42 }) });
    expect([badLabel.status, ((await badLabel.json()) as { error: string }).error]).toEqual([400, 'label_invalid']);
    expect(text(ada)).toBe('first draft');
  });

  it('[COLLAB-51] [COLLAB-43] a backend brings back only some of a version: the named types are as they were, the others as they are; a bad list is a 400 that changes nothing', async () => {
    const { url } = await startApi();
    const versions = `${new URL(url).origin}/api/rooms/part/versions`;
    const ada = member(url, 'part').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'notes v1');
    ada.doc.getMap('m').set('shape', 'v1');
    await ada.flush();
    expect((await fetch(versions, { method: 'POST', headers: auth, body: JSON.stringify({ label: 'v1' }) })).status).toBe(201);
    ada.doc.getText('t').insert(8, ' and v2');
    ada.doc.getMap('m').set('shape', 'v2');
    await ada.flush();

    for (const only of [[], 'm', [''], [3]]) {
      const bad = await fetch(`${versions}/1/restore`, { method: 'POST', headers: auth, body: JSON.stringify({ only }) });
      expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, 'only_invalid']);
    }
    const restored = await fetch(`${versions}/1/restore`, { method: 'POST', headers: auth, body: JSON.stringify({ only: ['m'] }) });
    expect(restored.status).toBe(200);
    await eventually(() => expect(ada.doc.getMap('m').get('shape')).toBe('v1'));
    expect(text(ada)).toBe('notes v1 and v2');
  });

  it('[COLLAB-50] [COLLAB-43] listing, saving and reading versions of a room nobody is in read the store, without loading the room; a restore loads it', async () => {
    const { url, kuiper, doc } = await startApi();
    const versions = `${new URL(url).origin}/api/rooms/quiet/versions`;
    expect((await fetch(doc('quiet'), { method: 'POST', headers: auth, body: insertion('stored') })).status).toBe(204);
    let loads = 0;
    onCleanup(kuiper.onChannelOccupied('/rooms/**', ({ channel }) => void (channel === '/rooms/quiet/doc' && loads++)));

    // The room's first snapshot (written as the API's handle left) is its first version.
    const named = await fetch(versions, { method: 'POST', headers: auth, body: JSON.stringify({ label: 'Before import' }) });
    expect([named.status, ((await named.json()) as { version: { id: number } }).version.id]).toEqual([201, 2]);
    const again = await fetch(versions, { method: 'POST', headers: auth }); // unnamed, nothing changed: that one
    expect([again.status, ((await again.json()) as { version: { id: number } }).version.id]).toEqual([200, 2]);
    expect(((await (await fetch(versions, { headers: auth })).json()) as { versions: Array<{ id: number }> }).versions.map((v) => v.id)).toEqual([2, 1]);
    const state = new Y.Doc();
    Y.applyUpdate(state, new Uint8Array(await (await fetch(`${versions}/1`, { headers: auth })).arrayBuffer()));
    expect(state.getText('t').toString()).toBe('stored');
    expect(loads).toBe(0);

    expect((await fetch(`${versions}/1/restore`, { method: 'POST', headers: auth })).status).toBe(200);
    expect(loads).toBe(1);
  });

  it('[COLLAB-43] [SERVE-7] a backend posts a Yjs update: 204 once stored, the members see it; GET gives the document as bytes and as JSON', async () => {
    const { url, store, doc } = await startApi();
    const ada = member(url, 'plan', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'by Ada');
    await ada.flush();

    const posted = await fetch(doc('plan'), { method: 'POST', headers: { ...auth, 'Content-Type': 'application/octet-stream' }, body: insertion('Backend: ') });
    expect(posted.status).toBe(204);
    expect((await store.load('plan')).updates.length).toBe(2); // Ada's and the backend's, both stored
    await eventually(() => expect(text(ada)).toMatch(/^(Backend: by Ada|by AdaBackend: )$/));
    expect(ada.presence.others()).toEqual([]); // the API is in no presence list

    const bytes = await fetch(doc('plan'), { headers: auth });
    expect(bytes.status).toBe(200);
    expect(bytes.headers.get('content-type')).toBe('application/octet-stream');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, new Uint8Array(await bytes.arrayBuffer()));
    expect(copy.getText('t').toString()).toBe(text(ada));
    const json = await fetch(`${doc('plan')}?key=t&type=text`, { headers: auth });
    expect(await json.json()).toBe(text(ada));
    const empty = await fetch(`${doc('nobody-here')}?key=items&type=array`, { headers: auth });
    expect(await empty.json()).toEqual([]);
  });

  it('[COLLAB-43] without the key, with bad input or too much of it: a 4xx saying why, and no document changes', async () => {
    const { url, store, doc } = await startApi(1024);
    const ada = member(url, 'safe').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'intact');
    await ada.flush();
    const before = (await store.load('safe')).updates.length;
    const refused = async (response: Response, status: number, error: string) => {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error });
    };
    await refused(await fetch(doc('safe'), { method: 'POST', body: insertion('x') }), 401, 'unauthorized');
    await refused(await fetch(doc('safe'), { headers: { Authorization: 'Bearer wrong-key-0123456789abcd' } }), 401, 'unauthorized');
    await refused(await fetch(doc('safe'), { method: 'POST', headers: auth, body: new Uint8Array([200, 1, 2, 3]) }), 400, 'update_invalid');
    await refused(await fetch(doc('safe'), { method: 'POST', headers: auth, body: new Uint8Array(0) }), 400, 'update_invalid');
    await refused(await fetch(doc('safe'), { method: 'POST', headers: auth, body: insertion('y'.repeat(2000)) }), 413, 'body_too_large');
    await refused(await fetch(`${doc('safe')}?key=t&type=widget`, { headers: auth }), 400, 'query_invalid');
    await refused(await fetch(`${doc('safe')}?key=t`, { headers: auth }), 400, 'query_invalid');
    await refused(await fetch(doc('bad%20room'), { headers: auth }), 400, 'room_invalid');
    await refused(await fetch(doc('safe'), { method: 'PUT', headers: auth, body: insertion('z') }), 405, 'method_not_allowed');
    expect((await fetch(new URL('/api/rooms/safe', url), { headers: auth })).status).toBe(404); // not a route
    expect((await store.load('safe')).updates.length).toBe(before);
    expect(text(ada)).toBe('intact');
  });

  it('[COLLAB-43] needs a key of at least 16 characters', async () => {
    const kuiper = createKuiperServer();
    onCleanup(() => kuiper.close());
    const collab = attachCollab(kuiper, { store: new MemoryStore() });
    onCleanup(() => collab.detach());
    expect(() => documentsApi(collab, { apiKey: 'short' })).toThrow(/16 characters/);
  });
});

describe('kuiper serve --collab --api-key', () => {
  it('[SERVE-8] [COLLAB-43] serves the API beside Bayeux, the key from the flag or KUIPER_API_KEY', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-api-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const served = await serve(['--collab', '--data', dir], { KUIPER_API_KEY: KEY });
    expect(served.line).toContain('/api/rooms/<id>/ydoc');
    const origin = new URL(served.url).origin;
    const ada = member(served.url, 'cli-api').room;
    await ada.synced;
    expect((await fetch(`${origin}/api/rooms/cli-api/ydoc`, { method: 'POST', headers: auth, body: insertion('from curl') })).status).toBe(204);
    await eventually(() => expect(text(ada)).toBe('from curl'));
    expect((await fetch(`${origin}/api/rooms/cli-api/ydoc`)).status).toBe(401);
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
  }, 30_000);

  it('[SERVE-8] a key that is too short, or --api-key without --collab, exits 2 saying so', async () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env, KUIPER_FROM_SOURCE: '1' } });
        let out = '';
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => done({ code, out }));
      });
    const short = await run(['--collab', '--api-key', 'short']);
    expect(short.code).toBe(2);
    expect(short.out).toMatch(/--api-key.*16 characters/);
    const alone = await run(['--api-key', KEY]);
    expect(alone.code).toBe(2);
    expect(alone.out).toContain('--api-key needs --collab');
    const env = await run(['--collab', '--data', join(tmpdir(), 'kuiper-api-never')], { KUIPER_API_KEY: 'short' });
    expect(env.code).toBe(2);
    expect(env.out).toContain('KUIPER_API_KEY');
  }, 30_000);
});
