// [COLLAB-4] Over the real server with real Yjs members: a relay does not wait for the store, the
// sender's acknowledgement does. The store's appends are held open to show both.
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { ProbeStore } from '../helpers/stores.js';
import { member, startCollab, text } from './helpers.js';

describe('relay before the store, ack after it', () => {
  it('[COLLAB-4] [COLLAB-6] a member sees an edit while its append is pending; the sender\'s flush resolves only once it is stored', async () => {
    const store = new ProbeStore();
    const { url } = await startCollab({ store });
    const ada = member(url, 'held-1').room;
    const bob = member(url, 'held-1').room;
    await Promise.all([ada.synced, bob.synced]);

    const release = store.hold();
    ada.doc.getText('t').insert(0, 'before the disk');
    let flushed = false;
    const flush = ada.flush().then(() => (flushed = true));
    await eventually(() => expect(text(bob)).toBe('before the disk'));
    // The append has started and is held: nothing stored, nothing acknowledged.
    await eventually(() => expect(store.calls).toContain('append'));
    expect((await store.load('held-1')).updates).toEqual([]);
    expect(flushed).toBe(false);
    expect(ada.syncStatus).toBe('synchronizing');

    release();
    await flush;
    const { updates } = await store.load('held-1');
    expect(updates).toHaveLength(1);
    expect(ada.syncStatus).toBe('synchronized');
  });
});
