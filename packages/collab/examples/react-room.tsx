'use client';
// A room in React: the connection status, who else is here, a shared title, a "wave" event and the
// drop-in <Chat>. Everything below the providers is hooks; none of them opens a second subscription.
import { useState } from 'react';
import { z } from 'zod';
import {
  Chat,
  KuiperProvider,
  RoomProvider,
  useBroadcast,
  useChannel,
  useDocument,
  useEvent,
  useOthers,
  useRoom,
  useStatus,
  useYjs,
} from '@kuiper/collab/react';

const Announcement = z.object({ text: z.string().min(1) });

function Header() {
  const status = useStatus(); // 'connecting' | 'connected' | 'reconnecting' | 'disconnected'
  // Re-renders only when the list of names changes, not on every cursor move.
  const names = useOthers((others) => others.map((o) => String(o.state['name'])).sort().join(', '));
  const title = useYjs(useDocument()?.getText('title'));
  const { lastMessage } = useChannel('/announcements', undefined, { schema: Announcement });
  const [waved, setWaved] = useState('');
  useEvent<{ wave: true }>((event) => setWaved(`${event.sender.connection} waved`));
  const wave = useBroadcast<{ wave: true }>();
  return (
    <header>
      <h1>{title || 'Untitled'}</h1>
      <p>{`${status} · with ${names || 'nobody yet'}`}</p>
      {lastMessage && <p role="status">{lastMessage.text}</p>}
      <button onClick={() => void wave({ wave: true })}>Wave</button> {waved}
    </header>
  );
}

function RoomChat() {
  const room = useRoom(); // null until the room is entered
  return room ? <Chat room={room} style={{ height: 400, ['--kuiper-chat-accent' as string]: '#7b3fe4' }} /> : <p>Joining…</p>;
}

export function TeamRoom({ url, name }: { url: string; name: string }) {
  return (
    <KuiperProvider url={url}>
      <RoomProvider room="team" initialPresence={{ name }}>
        <Header />
        <RoomChat />
      </RoomProvider>
    </KuiperProvider>
  );
}
