// The page bundled (by esbuild) for the Chromium test: a real client enters a room and renders
// <Whiteboard>; `window.whiteboardReady` says when the room is synced and the board is on screen.
import { createRoot } from 'react-dom/client';
import { createClient } from '@kuiper/client';
import { enterRoom } from '../../src/index.js';
import { Whiteboard } from '../../src/react/whiteboard/index.js';

const params = new URLSearchParams(location.search);
const client = createClient(`${location.origin}/bayeux`);
// `?assets=<path>`: pictures go to the server's assets handler there (BOARD-24).
const assetsUrl = params.get('assets');
const room = enterRoom(client, params.get('room') ?? 'chromium', { presence: { name: 'Chromium', color: '#9c36b5' }, ...(assetsUrl ? { assetsUrl } : {}) });
const host = document.getElementById('app')!;
host.style.height = '600px';
// What the board reports to its app (a picture it could not take, an export that failed).
const boardErrors: string[] = [];
Object.assign(window, { boardErrors });
room.onError((error) => boardErrors.push(`room: ${error.message}`));
createRoot(host).render(<Whiteboard room={room} onError={(error) => boardErrors.push(error.message)} />);
void room.synced.then(() => ((window as unknown as { whiteboardReady: boolean }).whiteboardReady = true));
