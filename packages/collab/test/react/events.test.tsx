// @vitest-environment jsdom
// Ephemeral room events over a real server: members only, sender stamped by the server (EVENTS-1…3),
// and the React hooks over them (REACT-9).
import { act, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { eventually, newClient } from '@kuiper/testkit';
import { roomChannels, type RoomEvent } from '../../src/index.js';
import { useBroadcast, useEvent } from '../../src/react/index.js';
import { member, startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

describe('room events', () => {
  it('[EVENTS-1] [EVENTS-3] a broadcast reaches the other members, not its sender, with the sender the server knows', async () => {
    const { url, server } = await startCollab();
    const ada = member(url, 'ev');
    const bob = member(url, 'ev');
    await Promise.all([ada.room.synced, bob.room.synced]);
    const atAda: RoomEvent[] = [];
    const atBob: RoomEvent[] = [];
    ada.room.events.subscribe((e) => atAda.push(e));
    bob.room.events.subscribe((e) => atBob.push(e));
    await eventually(async () => expect(await server.subscribers(roomChannels('ev').events)).toHaveLength(2));
    // The body claims to be someone else; the server's stamp says who sent it.
    await ada.room.events.broadcast({ emoji: '🎉', sender: { connection: 'forged' } });
    await eventually(() => expect(atBob).toHaveLength(1));
    expect(atBob[0]).toEqual({ data: { emoji: '🎉', sender: { connection: 'forged' } }, sender: { connection: ada.client.clientId } });
    await bob.room.events.broadcast('ping');
    await eventually(() => expect(atAda.map((e) => e.data)).toEqual(['ping']));
    expect(atBob).toHaveLength(1); // its own broadcast does not come back to the sender
  });

  it('[EVENTS-2] a client that is not a member may neither subscribe to nor publish on a room\'s events', async () => {
    const { url, server } = await startCollab();
    const ada = member(url, 'closed');
    await ada.room.synced;
    const heard: unknown[] = [];
    ada.room.events.subscribe((e) => heard.push(e.data));
    await eventually(async () => expect(await server.subscribers(roomChannels('closed').events)).toHaveLength(1));

    const outsider = newClient(url);
    await expect(outsider.subscribe(roomChannels('closed').events, () => undefined).ready).rejects.toMatchObject({ bayeuxError: expect.stringContaining('subscribe_denied') });
    await expect(outsider.publish(roomChannels('closed').events, 'sneaky')).rejects.toMatchObject({ bayeuxError: expect.stringContaining('publish_denied') });
    expect((await server.subscribers(roomChannels('closed').events)).map((s) => s.clientId)).toEqual([ada.client.clientId]);
    // Nor through a pattern that covers the channel.
    for (const pattern of ['/rooms/closed/*', '/rooms/closed/**', '/rooms/**']) {
      await expect(outsider.subscribe(pattern, () => undefined).ready).rejects.toMatchObject({ bayeuxError: expect.stringContaining('subscribe_denied') });
    }
    // A member may listen to its own room's channels by pattern.
    const patterned: unknown[] = [];
    await ada.client.subscribe('/rooms/closed/*', (data) => patterned.push(data)).ready;

    const bob = member(url, 'closed');
    await bob.room.synced;
    await bob.room.events.broadcast('allowed');
    await eventually(() => expect(heard).toEqual(['allowed'])); // 'sneaky' never arrived
    await eventually(() => expect(patterned).toContainEqual({ v: 1, sender: { connection: bob.client.clientId }, data: 'allowed' }));
  });

  it('[EVENTS-3] the sender carries the session\'s user when the handshake attached one', async () => {
    const { url } = await startCollab({}, { policy: { canHandshake: (m) => ({ data: { user: (m.ext as { user?: unknown } | undefined)?.user } }) } });
    const ada = member(url, 'who', {}, { ext: { user: { id: 'u-ada', name: 'Ada' } } });
    const bob = member(url, 'who');
    await Promise.all([ada.room.synced, bob.room.synced]);
    const got: RoomEvent[] = [];
    bob.room.events.subscribe((e) => got.push(e));
    await eventually(async () => {
      await ada.room.events.broadcast('hi');
      expect(got.length).toBeGreaterThan(0);
    });
    expect(got[0]?.sender).toEqual({ connection: ada.client.clientId, user: { id: 'u-ada', name: 'Ada' } });
  });

  it('[REACT-9] useBroadcast sends from one tree and useEvent hears it in another; re-renders keep one subscription', async () => {
    const { url, server } = await startCollab();
    let renderAgain: () => void = () => undefined;
    function Listener() {
      const [n, setN] = useState(0);
      const [last, setLast] = useState('none');
      renderAgain = () => setN((x) => x + 1);
      useEvent<{ emoji: string }>((e) => setLast(`${e.data.emoji} after ${n} renders`));
      return <p>{`heard ${last}`}</p>;
    }
    let send: (data: { emoji: string }) => Promise<void> = async () => undefined;
    function Sender() {
      send = useBroadcast<{ emoji: string }>();
      return null;
    }
    mount(url, <Listener />, { room: 'react-ev' });
    mount(url, <Sender />, { room: 'react-ev' });
    await eventually(async () => expect(await server.subscribers(roomChannels('react-ev').events)).toHaveLength(1));
    for (let i = 0; i < 3; i++) act(() => renderAgain());
    await eventually(async () => {
      await send({ emoji: '👍' });
      expect(screen.getByText('heard 👍 after 3 renders')).toBeTruthy();
    });
    expect(await server.subscribers(roomChannels('react-ev').events)).toHaveLength(1);
  });
});
