// [COLLAB-25] An edit the server acknowledged survives kill -9 of the server process: the LevelDB
// store has it before the ack leaves, so a server started again on the same directory serves it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { member, text } from './helpers.js';
import { killed, startServerProcess } from './processes.js';

describe('kill -9 of a server with rooms on the LevelDB store', () => {
  it('[COLLAB-25] [COLLAB-16] every acknowledged edit is there after kill -9 and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-collab-kill-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startServerProcess('collab-server.ts', [dir]);
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

    const second = await startServerProcess('collab-server.ts', [dir]);
    const late = member(second.url, 'survivor').room;
    await late.synced;
    expect(text(late)).toBe(acked);
  }, 30_000);
});
