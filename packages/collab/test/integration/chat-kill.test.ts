// [CHAT-3] A chat message whose send() resolved survives kill -9 of the server: the LevelDB store
// synced it before the answer left. Sends in flight at the kill may or may not be there, never twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { member } from './helpers.js';
import { killed, startServerProcess } from './processes.js';

describe('kill -9 of a server with chat on the LevelDB store', () => {
  it('[CHAT-3] every message whose send resolved is there after kill -9 and a restart, in order, without gap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuiper-chat-kill-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startServerProcess('collab-server.ts', [dir]);
    const { room, client } = member(first.url, 'survivor');
    await room.synced;
    const acked: string[] = [];
    let stop = false;
    const sending = (async () => {
      for (let i = 0; !stop && i < 10_000; i++) {
        const text = `m${i}`;
        try {
          await room.chat.send(text);
          acked.push(text);
        } catch {
          return; // the server is gone: this one was in flight
        }
      }
    })();
    await eventually(() => expect(acked.length).toBeGreaterThanOrEqual(15), 10_000);
    await killed(first.child); // mid-chat: no close, only what each answer promised
    stop = true;
    room.leave();
    await client.disconnect(); // fails the send in flight (it would otherwise wait for a server)
    await sending;

    const second = await startServerProcess('collab-server.ts', [dir]);
    const late = member(second.url, 'survivor').room;
    await late.synced;
    await eventually(() => expect(late.chat.messages().length).toBeGreaterThanOrEqual(Math.min(50, acked.length)));
    while (await late.chat.loadOlder(200));
    const stored = late.chat.messages();
    expect(stored.map((m) => m.serial)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.slice(0, acked.length).map((m) => m.text)).toEqual(acked);
    expect(stored.length - acked.length).toBeLessThanOrEqual(1); // at most the one in flight
  }, 30_000);
});
