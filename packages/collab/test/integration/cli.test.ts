// [COLLAB-29] `kuiper serve --collab`: rooms with no code to write, documents kept in --data
// (and their versions, COLLAB-50, served at /kuiper-versions).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { eventually, onCleanup } from '@kuiper/testkit';
import type { Room } from '../../src/index.js';
import { cleanRedisPrefix, member, REDIS_URL, text } from './helpers.js';
import { BIN, serve } from './processes.js';

const stopped = (child: ChildProcess): Promise<number | null> =>
  new Promise((done) => {
    child.once('exit', (code) => done(code));
    child.kill('SIGTERM');
  });

describe('kuiper serve --collab', () => {
  it('[COLLAB-29] serves rooms with documents kept in --data, there again after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-serve-collab-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const first = await serve(['--collab', '--data', dir]);
    expect(first.line).toContain(`documents in ${dir}`);
    const ada = member(first.url, 'cli-room', { presence: { name: 'Ada' } });
    const bob = member(first.url, 'cli-room', { presence: { name: 'Bob' } }).room;
    await Promise.all([ada.room.synced, bob.synced]);
    ada.room.doc.getText('t').insert(0, 'served');
    await ada.room.flush();
    ada.room.leave();
    await ada.client.disconnect();
    bob.leave();
    expect(await stopped(first.child)).toBe(0); // SIGTERM: rooms closed (final snapshots), then the server

    const second = await serve(['--collab', '--data', dir]);
    const late = member(second.url, 'cli-room', { versionsUrl: `${new URL(second.url).origin}/kuiper-versions` }).room;
    await late.synced;
    expect(text(late)).toBe('served');
    // [COLLAB-50] The room's first snapshot was kept as its first version, in --data too.
    const listed = await late.versions!.list();
    expect(listed.ok && listed.value.map((v) => v.id)).toEqual([1]);
    const kept = await late.versions!.open(1);
    expect(kept.ok && kept.value.getText('t').toString()).toBe('served');
  }, 30_000);

  it('[COLLAB-29] [COLLAB-28] two `--collab --redis` nodes: edits through either converge, are stored in Redis, and presence is the same from both', async () => {
    const prefix = `kuiper-test:serve-collab:${randomUUID()}:`;
    cleanRedisPrefix(prefix);
    const args = ['--collab', '--redis', REDIS_URL, '--redis-prefix', prefix];
    const [a, b] = await Promise.all([serve(args), serve(args)]);
    expect(a.line).toContain('documents in Redis');
    const ada = member(a.url, 'two-nodes', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    const bob = member(b.url, 'two-nodes', { presence: { name: 'Bob' } }).room;
    await bob.synced;
    ada.doc.getText('t').insert(0, 'a. ');
    bob.doc.getText('t').insert(0, 'b. ');
    await Promise.all([ada.flush(), bob.flush()]);
    await eventually(() => expect(text(ada)).toBe(text(bob)));
    expect(text(ada)).toMatch(/^(a\. b\. |b\. a\. )$/);
    const names = (room: Room): unknown[] => room.presence.others().map((e) => e.state['name']);
    await eventually(() => expect([names(ada), names(bob)]).toEqual([['Bob'], ['Ada']]));
    const redis = new Redis(REDIS_URL);
    onCleanup(() => redis.quit());
    expect((await redis.keys(`${prefix}collab*`)).length).toBeGreaterThan(0); // the documents are in Redis
  }, 30_000);

  it('[SERVE-8] [COLLAB-50] --version-every-minutes 0: the rooms keep no version by themselves, members still save theirs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-serve-versions-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const served = await serve(['--collab', '--data', dir, '--version-every-minutes', '0', '--versions-kept', '3']);
    const versionsUrl = `${new URL(served.url).origin}/kuiper-versions`;
    const ada = member(served.url, 'no-auto', { versionsUrl }).room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'edited');
    await ada.flush();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // past the 2 s compaction: a snapshot is written, and kept as no version
    expect(await ada.versions!.list()).toEqual({ ok: true, value: [] });
    expect(await ada.versions!.save('Mine')).toMatchObject({ ok: true, value: { id: 1, label: 'Mine' } });
  }, 30_000);

  it('[COLLAB-29] refuses --data without --collab, with a clear message', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--data', '/tmp/x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(2);
    expect(err).toContain('--data needs --collab');
  });
});
