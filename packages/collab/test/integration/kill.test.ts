// [COLLAB-25] An edit the server acknowledged survives kill -9 of the server process: the LevelDB
// store has it before the ack leaves, so a server started again on the same directory serves it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { member, text } from './helpers.js';

const ROOT = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const SERVER = fileURLToPath(new URL('../helpers/collab-server.ts', import.meta.url));

/** A server process on `dir`; resolves with its URL once it listens. */
function startServerProcess(dir: string): Promise<{ url: string; child: ChildProcess }> {
  // The source condition: workspace packages resolve to src/, as in the tests (a clone has no dist/).
  const child = spawn(process.execPath, ['--conditions', 'source', '--import', 'tsx', SERVER, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^url (\S+)$/m.exec(out)?.[1];
      if (url) done({ url, child });
    });
    child.on('exit', (code, signal) => fail(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)));
  });
}

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

describe('kill -9 of a server with rooms on the LevelDB store', () => {
  it('[COLLAB-25] [COLLAB-16] every acknowledged edit is there after kill -9 and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-collab-kill-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startServerProcess(dir);
    const { room, client } = member(first.url, 'survivor');
    await room.synced;
    for (let i = 0; i < 20; i++) {
      room.doc.getText('t').insert(room.doc.getText('t').length, `${i};`);
      if (i % 5 === 4) await room.flush(); // acknowledged in four group commits
    }
    const acked = text(room);
    await killed(first.child); // no close, no final snapshot: only what each ack promised
    room.leave();
    await client.disconnect();

    const second = await startServerProcess(dir);
    const late = member(second.url, 'survivor').room;
    await late.synced;
    expect(text(late)).toBe(acked);
  }, 30_000);
});
