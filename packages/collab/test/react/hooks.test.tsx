// @vitest-environment jsdom
// The React hooks against a real Kuiper server with rooms: channels, status, presence, documents (REACT-1…6).
import { act, render, screen } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventually, newClient, onCleanup } from '@kuiper/testkit';
import type { Message } from '@kuiper/client';
import { KuiperProvider, RoomProvider, useChannel, useClient, useDocument, useMyPresence, useOthers, useRoom, useSelf, useStatus, useYjs, type ChannelApi } from '../../src/react/index.js';
import { startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

/** Counts what reaches the server: subscribes to and publishes on each channel. */
function countIncoming(server: Awaited<ReturnType<typeof startCollab>>['server']): { subscribes: Map<string, number>; publishes: Map<string, number> } {
  const subscribes = new Map<string, number>();
  const publishes = new Map<string, number>();
  server.addExtension({
    name: 'test-counter',
    incoming(message: Message) {
      if (message.channel === '/meta/subscribe' && typeof message.subscription === 'string') {
        subscribes.set(message.subscription, (subscribes.get(message.subscription) ?? 0) + 1);
      } else if (!message.channel.startsWith('/meta/')) publishes.set(message.channel, (publishes.get(message.channel) ?? 0) + 1);
      return message;
    },
  });
  return { subscribes, publishes };
}

const Chat = z.object({ text: z.string().min(1) });
type ChatLine = z.infer<typeof Chat>;

describe('React hooks', () => {
  it('[REACT-1] [REACT-3] [REACT-4] useChannel receives what another client publishes; useStatus turns connected', async () => {
    const { url } = await startCollab();
    const seen: string[] = [];
    function Feed() {
      const status = useStatus();
      const { lastMessage, status: sub } = useChannel<ChatLine>('/feed', (line) => seen.push(line.text), { schema: Chat });
      return (
        <p>
          {status} {sub} {lastMessage?.text ?? 'nothing yet'}
        </p>
      );
    }
    mount(url, <Feed />);
    await eventually(() => expect(screen.getByText(/connected subscribed/)).toBeTruthy());
    const other = newClient(url);
    await other.publish('/feed', { text: 'hello from elsewhere' });
    await eventually(() => expect(screen.getByText('connected subscribed hello from elsewhere')).toBeTruthy());
    await other.publish('/feed', { text: '' }); // fails the schema: never handed over
    await other.publish('/feed', { text: 'second' });
    await eventually(() => expect(screen.getByText('connected subscribed second')).toBeTruthy());
    expect(seen).toEqual(['hello from elsewhere', 'second']);
  });

  it('[REACT-3] a publish failing the schema rejects and nothing reaches the server; a good one does', async () => {
    const { url, server } = await startCollab();
    const counts = countIncoming(server);
    let api: ChannelApi<ChatLine> | undefined;
    function Sender() {
      api = useChannel<ChatLine>('/typed', undefined, { schema: Chat });
      return <p>{api.status}</p>;
    }
    mount(url, <Sender />);
    await eventually(() => expect(screen.getByText('subscribed')).toBeTruthy());
    await expect(api!.publish({ text: '' })).rejects.toMatchObject({ code: 'invalid_outgoing' });
    await expect(api!.publish({ nope: 1 } as unknown as ChatLine)).rejects.toMatchObject({ code: 'invalid_outgoing' });
    expect(counts.publishes.get('/typed')).toBeUndefined();
    await api!.publish({ text: 'fine' });
    expect(counts.publishes.get('/typed')).toBe(1);
  });

  it('[REACT-3] re-renders with a new handler never resubscribe, and the newest handler gets the message', async () => {
    const { url, server } = await startCollab();
    const counts = countIncoming(server);
    const got: string[] = [];
    let bump: () => void = () => undefined;
    function Listener() {
      const [n, setN] = useState(0);
      bump = () => setN((x) => x + 1);
      const { status } = useChannel<ChatLine>('/rerender/*', (line) => got.push(`${n}:${line.text}`));
      return <p>{`render ${n} ${status}`}</p>;
    }
    mount(url, <Listener />);
    await eventually(() => expect(screen.getByText('render 0 subscribed')).toBeTruthy());
    for (let i = 0; i < 5; i++) act(() => bump());
    expect(screen.getByText('render 5 subscribed')).toBeTruthy();
    await newClient(url).publish('/rerender/a', { text: 'wild' }); // a wildcard channel delivers its children
    await eventually(() => expect(got).toEqual(['5:wild']));
    expect(counts.subscribes.get('/rerender/*')).toBe(1);
  });

  it('[REACT-3] switching the channel moves the subscription and forgets the old channel\'s last message', async () => {
    const { url, server } = await startCollab();
    let pick: (channel: string) => void = () => undefined;
    function Tuned() {
      const [channel, setChannel] = useState('/tv/one');
      pick = setChannel;
      const { lastMessage, status } = useChannel<string>(channel);
      return <p>{`${channel} ${status} ${lastMessage ?? 'none'}`}</p>;
    }
    const { client } = mount(url, <Tuned />);
    await eventually(() => expect(screen.getByText('/tv/one subscribed none')).toBeTruthy());
    const other = newClient(url);
    await other.publish('/tv/one', 'news');
    await eventually(() => expect(screen.getByText('/tv/one subscribed news')).toBeTruthy());
    act(() => pick('/tv/two'));
    await eventually(() => expect(screen.getByText('/tv/two subscribed none')).toBeTruthy());
    await eventually(async () => expect((await server.subscribers('/tv/one')).map((s) => s.clientId)).not.toContain(client.clientId));
    await other.publish('/tv/two', 'sport');
    await eventually(() => expect(screen.getByText('/tv/two subscribed sport')).toBeTruthy());
  });

  it('[REACT-7] StrictMode double mount leaves exactly one subscription on the server; unmount leaves none', async () => {
    const { url, server } = await startCollab();
    function Strict() {
      const { status } = useChannel('/strict');
      return <p>{status}</p>;
    }
    const { client, unmount } = mount(url, <Strict />, { strict: true });
    await eventually(() => expect(screen.getByText('subscribed')).toBeTruthy());
    await eventually(async () => expect((await server.subscribers('/strict')).map((s) => s.clientId)).toEqual([client.clientId]));
    const other = newClient(url);
    await other.publish('/strict', { once: true });
    unmount();
    await eventually(async () => expect(await server.subscribers('/strict')).toEqual([]));
  });

  it('[REACT-2] [REACT-7] a RoomProvider under StrictMode is one member of the room; it leaves on unmount', async () => {
    const { url, server } = await startCollab();
    function Here() {
      const room = useRoom();
      return <p>{room ? `in ${room.id}` : 'entering'}</p>;
    }
    const { client, unmount } = mount(url, <Here />, { strict: true, room: 'strict-room' });
    await eventually(() => expect(screen.getByText('in strict-room')).toBeTruthy());
    await eventually(async () => expect((await server.subscribers('/rooms/strict-room/doc')).map((s) => s.clientId)).toEqual([client.clientId]));
    unmount();
    await eventually(async () => expect(await server.subscribers('/rooms/strict-room/doc')).toEqual([]));
  });

  it('[REACT-5] useOthers with a selector re-renders only when the selected value changes', async () => {
    const { url } = await startCollab();
    let renders = 0;
    function Names() {
      const names = useOthers((others) => others.map((o) => String(o.state['name'])).sort().join(','));
      renders++;
      return <p>{`others: ${names}`}</p>;
    }
    function Mover() {
      const [mine, update] = useMyPresence();
      moveAda = (x) => update({ cursor: x });
      return <p>{`ada at ${String(mine['cursor'] ?? '-')}`}</p>;
    }
    let moveAda: (x: number) => void = () => undefined;
    const ada = mount(url, <Mover />, { room: 'sel', presence: { name: 'Ada' } });
    mount(url, <Names />, { room: 'sel', presence: { name: 'Bob' } });
    await eventually(() => expect(screen.getByText('others: Ada')).toBeTruthy());
    const settled = renders;
    let bobRoom: import('../../src/index.js').Room | null = null;
    function Peek() {
      bobRoom = useRoom();
      return null;
    }
    mount(url, <Peek />, { room: 'sel', presence: { name: 'Watcher' } });
    await eventually(() => expect(screen.getByText('others: Ada,Watcher')).toBeTruthy());
    const afterWatcher = renders;
    expect(afterWatcher).toBeGreaterThan(settled); // a new name: a re-render
    for (let x = 1; x <= 5; x++) act(() => moveAda(x));
    expect(ada.getByText('ada at 5')).toBeTruthy();
    // The moves reached the room (the watcher sees the last one), yet the names never changed.
    await eventually(() => expect((bobRoom as import('../../src/index.js').Room | null)?.presence.others().find((o) => o.state['name'] === 'Ada')?.state['cursor']).toBe(5));
    expect(renders).toBe(afterWatcher);
  });

  it('[REACT-5] [REACT-6] useSelf, useDocument and useYjs follow this connection and remote edits', async () => {
    const { url } = await startCollab();
    function Board() {
      const self = useSelf();
      const doc = useDocument();
      const notes = useYjs(doc?.getMap<string>('notes'));
      const text = useYjs(doc?.getText('title'));
      return (
        <div>
          <p>{`me ${self.connection ? 'known' : 'unknown'} ${String(self.presence['name'])}`}</p>
          <p>{`title ${text ?? '-'}`}</p>
          <p>{`notes ${JSON.stringify(notes ?? null)}`}</p>
        </div>
      );
    }
    mount(url, <Board />, { room: 'yjs', presence: { name: 'Ada' } });
    await eventually(() => expect(screen.getByText('me known Ada')).toBeTruthy());
    const { member } = await import('../integration/helpers.js');
    const bob = member(url, 'yjs').room;
    await bob.synced;
    bob.doc.getText('title').insert(0, 'Plan');
    bob.doc.getMap('notes').set('a', 'first');
    await eventually(() => expect(screen.getByText('title Plan')).toBeTruthy());
    await eventually(() => expect(screen.getByText('notes {"a":"first"}')).toBeTruthy());
    bob.doc.getMap('notes').set('b', 'second');
    await eventually(() => expect(screen.getByText('notes {"a":"first","b":"second"}')).toBeTruthy());
  });

  it('[REACT-1] [REACT-7] a url provider under StrictMode ends with one client in the room, and disconnects it on unmount', async () => {
    const { url, server } = await startCollab();
    function Here() {
      const room = useRoom();
      const status = useStatus();
      return <p>{`${status} ${room ? 'in' : 'out'}`}</p>;
    }
    const view = render(
      <StrictMode>
        <KuiperProvider url={url}>
          <RoomProvider room="url-room">
            <Here />
          </RoomProvider>
        </KuiperProvider>
      </StrictMode>,
    );
    onCleanup(() => view.unmount());
    await eventually(() => expect(screen.getByText('connected in')).toBeTruthy());
    // The first mount's client was disconnected by its cleanup: one session is left in the room.
    await eventually(async () => expect(await server.subscribers('/rooms/url-room/doc')).toHaveLength(1));
    view.unmount();
    await eventually(async () => expect(await server.subscribers('/rooms/url-room/doc')).toEqual([]));
  });

  it('[REACT-1] [REACT-2] a hook outside its provider says which provider is missing', () => {
    function Lost({ hook }: { hook: () => unknown }) {
      hook();
      return null;
    }
    const quiet = console.error;
    console.error = () => undefined; // React logs the thrown render error too
    try {
      expect(() => render(<Lost hook={useClient} />)).toThrow(/KuiperProvider/);
      expect(() => render(<Lost hook={useRoom} />)).toThrow(/RoomProvider/);
    } finally {
      console.error = quiet;
    }
  });
});
