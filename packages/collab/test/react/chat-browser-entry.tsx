// The page bundled (by esbuild) for the Chromium chat test: a real client enters a room and renders
// <Chat> in a 300 px box (on `?transport=` alone, when given); `window.chatReady` says when the room is synced.
import { createRoot } from 'react-dom/client';
import { createClient } from '@kuiper/client';
import { enterRoom } from '../../src/index.js';
import { Chat } from '../../src/react/index.js';

const params = new URLSearchParams(location.search);
const transport = params.get('transport');
const client = createClient(`${location.origin}/bayeux`, transport ? { transports: [transport] } : {});
(window as unknown as { chatClient: typeof client }).chatClient = client;
// `?assets=<path>`: pictures go to the server's assets handler there (CHATUI-10).
const assetsUrl = params.get('assets');
const room = enterRoom(client, params.get('room') ?? 'chat', { presence: { name: 'Chromium' }, ...(assetsUrl ? { assetsUrl } : {}) });
const host = document.getElementById('app')!;
host.style.height = '300px';
createRoot(host).render(<Chat room={room} />);
void room.synced.then(() => ((window as unknown as { chatReady: boolean }).chatReady = true));
