// @vitest-environment jsdom
// [REACT-16] useAwareness over a real server: the Awareness an editor binding is given carries this
// member's state to the others (in StrictMode too, whose double effect must leave one live state),
// reads theirs, and unmounting clears this member for everyone.
import { useEffect } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { onCleanup } from '@kuiper/testkit';
import { createAwareness } from '../../src/index.js';
import { useAwareness, useRoom } from '../../src/react/index.js';
import { member, startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

describe('[REACT-16] useAwareness', () => {
  it('an editor\'s awareness in a React tree reaches a Node member and reads it back; unmounting removes it', async () => {
    const { url } = await startCollab();
    const bob = member(url, 'react-aw', { throttleMs: 10 }).room;
    await bob.synced;
    const bobAwareness = createAwareness(bob);
    onCleanup(() => bobAwareness.destroy());
    bobAwareness.setLocalStateField('user', { name: 'Bob' });

    const seen: { clientID: number; others: string[] }[] = [];
    function Editor() {
      const room = useRoom();
      const awareness = useAwareness();
      useEffect(() => {
        if (!awareness) return;
        awareness.setLocalStateField('user', { name: 'Ada', color: '#e03131' });
        const record = () => seen.push({ clientID: awareness.clientID, others: [...awareness.getStates().entries()].filter(([id]) => id !== awareness.clientID).map(([, s]) => (s['user'] as { name: string }).name) });
        awareness.on('change', record);
        record();
        return () => awareness.off('change', record);
      }, [awareness]);
      return <p>{room ? `in ${room.id}` : 'entering'}</p>;
    }
    const view = mount(url, <Editor />, { room: 'react-aw', strict: true });
    await vi.waitFor(() => expect([...bobAwareness.getStates().values()]).toContainEqual({ user: { name: 'Ada', color: '#e03131' } }), { timeout: 10_000 });
    await vi.waitFor(() => expect(seen.at(-1)?.others).toEqual(['Bob']), { timeout: 10_000 });
    const adaId = seen.at(-1)!.clientID;
    // StrictMode mounted it twice: one live state for Ada, not a stale second one.
    expect([...bobAwareness.getStates().keys()].sort()).toEqual([adaId, bob.doc.clientID].sort());

    view.unmount();
    await vi.waitFor(() => expect([...bobAwareness.getStates().keys()]).toEqual([bob.doc.clientID]), { timeout: 10_000 });
  });
});
