// The page bundled (by esbuild) for the two-user Chromium test: <KuiperProvider> + <RoomProvider>
// with <Whiteboard> and <Chat> side by side on the provider's room. `?name=` is the user (sent in the
// handshake's ext, so the server names their chat messages and typing, and in presence for the
// cursor); `window.roomReady` says when the room is synced, `window.kuiperClient` is the client.
import { useEffect, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '@kuiper/client';
import { Chat, KuiperProvider, RoomProvider, useRoom, Whiteboard } from '../../src/react/index.js';

type PageWindow = { roomReady?: boolean; kuiperClient?: ReturnType<typeof createClient> };
const page = window as unknown as PageWindow;

const params = new URLSearchParams(location.search);
const name = params.get('name') ?? 'Ada';
const client = createClient(`${location.origin}/bayeux`, { ext: { user: { id: name.toLowerCase(), name } } });
page.kuiperClient = client;

function Workspace(): ReactNode {
  const room = useRoom();
  useEffect(() => {
    void room?.synced.then(() => (page.roomReady = true));
  }, [room]);
  if (!room) return null;
  return (
    <div style={{ display: 'flex', gap: 8, height: 560 }}>
      <div style={{ width: 640, height: 560 }}>
        <Whiteboard room={room} />
      </div>
      <div style={{ width: 320, height: 560 }}>
        <Chat room={room} />
      </div>
    </div>
  );
}

createRoot(document.getElementById('app')!).render(
  <KuiperProvider client={client}>
    <RoomProvider room={params.get('room') ?? 'components'} initialPresence={{ name, color: name === 'Ada' ? '#e4572e' : '#2e86e4' }}>
      <Workspace />
    </RoomProvider>
  </KuiperProvider>,
);
