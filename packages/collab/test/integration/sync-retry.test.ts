// [COLLAB-38] A sync step 1 the server accepted but the room's authority never saw (on several nodes:
// relayed before the authority listened) does not leave the member waiting forever.
import { describe, expect, it } from 'vitest';
import type { Extension } from '@kuiper/server';
import { member, startCollab, text } from './helpers.js';

/** Diverts the next sync step 1 sent to `room` to a service nobody answers: accepted, and lost. */
function swallowNextSyncStep1(room: string): { extension: Extension; swallowed: () => number; arm: () => void } {
  let armed = false;
  let swallowed = 0;
  const extension: Extension = {
    name: 'swallow-sync-1',
    incoming(message) {
      const data = message.data as { type?: unknown } | undefined;
      if (!armed || message.channel !== `/service/rooms/${room}/sync` || data?.type !== 'sync-1') return message;
      armed = false;
      swallowed++;
      return { ...message, channel: '/test/void' };
    },
  };
  return { extension, swallowed: () => swallowed, arm: () => void (armed = true) };
}

describe('a lost sync step 1', () => {
  it('[COLLAB-38] is sent again after syncRetryMs of silence: the late joiner syncs with the full state', async () => {
    const swallow = swallowNextSyncStep1('room-r');
    const { url } = await startCollab({}, { extensions: [swallow.extension] });
    const ada = member(url, 'room-r').room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'already here');
    await ada.flush();

    swallow.arm();
    const bob = member(url, 'room-r', { syncRetryMs: 200 }, { ack: false }).room;
    await bob.synced;
    expect(swallow.swallowed()).toBe(1);
    expect(text(bob)).toBe('already here');
    expect(bob.syncStatus).toBe('synchronized');
  });

  it('[COLLAB-38] without the retry (a minute away) the same member is still waiting: the lost message is what the retry repairs', async () => {
    const swallow = swallowNextSyncStep1('room-s');
    const { url } = await startCollab({}, { extensions: [swallow.extension] });
    swallow.arm();
    const bob = member(url, 'room-s', { syncRetryMs: 60_000 }, { ack: false }).room;
    const outcome = await Promise.race([bob.synced.then(() => 'synced'), new Promise((r) => setTimeout(() => r('waiting'), 1500))]);
    expect(swallow.swallowed()).toBe(1);
    expect(outcome).toBe('waiting');
    expect(bob.syncStatus).toBe('synchronizing');
  });
});
