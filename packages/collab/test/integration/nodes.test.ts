// [COLLAB-28] Two real nodes sharing one Redis: the room has one authority, on the node where its
// first member subscribed; members on the other node reach it through a server-side relay.
import { describe, expect, it } from 'vitest';
import { eventually, newClient, type KuiperOptions } from '@kuiper/testkit';
import { roomChannels, type Room } from '../../src/index.js';
import { member, severableFetch, text, twoCollabNodes } from './helpers.js';


const twoNodes = (options: Partial<KuiperOptions> = {}) => twoCollabNodes('collab-nodes', options);

const names = (room: Room): unknown[] => room.presence.others().map((e) => e.state['name']).sort();

describe('rooms on two nodes sharing Redis', () => {
  it('[COLLAB-28] one authority, on the first member\'s node; members on the other node are relayed to it: edits converge, presence is the same from both', async () => {
    const { a, b, store } = await twoNodes();
    const ada = member(a.url, 'shared', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    ada.doc.getText('t').insert(0, 'on node a. ');
    await ada.flush();

    const bob = member(b.url, 'shared', { presence: { name: 'Bob' } }).room;
    const cy = member(b.url, 'shared', { presence: { name: 'Cy' } }).room;
    await Promise.all([bob.synced, cy.synced]);
    expect(text(bob)).toBe('on node a. '); // a late joiner through the relay
    expect(a.collab.openRooms()).toEqual(['shared']);
    expect(b.collab.openRooms()).toEqual([]);

    bob.doc.getText('t').insert(0, 'from node b. ');
    await bob.flush(); // acknowledged by the authority on node a: stored
    await eventually(() => expect(text(ada)).toBe(text(bob)));
    await eventually(() => expect(text(cy)).toBe(text(bob)));
    expect(text(ada)).toContain('from node b. ');
    expect((await store.load('shared')).updates).toHaveLength(2);

    await eventually(() => {
      expect(names(ada)).toEqual(['Bob', 'Cy']);
      expect(names(bob)).toEqual(['Ada', 'Cy']);
      expect(names(cy)).toEqual(['Ada', 'Bob']);
    });
    bob.leave(); // an unsubscribe on node b reaches the authority on node a
    await eventually(() => {
      expect(names(ada)).toEqual(['Cy']);
      expect(names(cy)).toEqual(['Ada']);
    });
  });

  it('[COLLAB-28] clients can neither publish nor subscribe on the relay; a non-member is not relayed', async () => {
    const { a, b } = await twoNodes();
    const ada = member(a.url, 'guarded').room;
    await ada.synced;
    const raw = newClient(b.url);
    await expect(raw.publish('/kuiper-collab/relay/guarded', { from: { clientId: 'someone', data: null }, data: {} })).rejects.toThrow(/collab_relay/);
    await expect(raw.subscribe('/kuiper-collab/relay/guarded', () => undefined).ready).rejects.toThrow(/collab_relay/);
    await expect(raw.publish(roomChannels('guarded').sync, { v: 1, type: 'sync-1', stateVector: 'AA==' })).rejects.toThrow(/service_unknown/);
  });

  it('[COLLAB-28] [COLLAB-26] a member pruned on the other node leaves the authority\'s view within maxInterval plus a second', async () => {
    const maxInterval = 500;
    const { a, b } = await twoNodes({ maxInterval, timeout: 300, sweepIntervalMs: 50 });
    const ada = member(a.url, 'far', { presence: { name: 'Ada' } }).room;
    await ada.synced;
    const link = severableFetch();
    const far = member(b.url, 'far', { presence: { name: 'Far' } }, { transports: ['long-polling'], fetch: link.fetch }).room;
    await far.synced;
    await eventually(() => expect(names(ada)).toEqual(['Far']));

    link.cut();
    const since = Date.now();
    await eventually(() => expect(names(ada)).toEqual([]), maxInterval + 1000 + 300 /* the held connect */);
    expect(Date.now() - since).toBeLessThan(maxInterval + 1000 + 300);
  });
});
