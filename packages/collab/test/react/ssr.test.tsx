// @vitest-environment node
// [REACT-8] A server render of the providers and hooks: no window, no connection, the initial state.
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Message } from '@kuiper/client';
import { KuiperProvider, RoomProvider, useChannel, useMyPresence, useOthers, useRoom, useSelf, useStatus, useSyncStatus, useYjs, useDocument } from '../../src/react/index.js';
import { newClient } from '@kuiper/testkit';
import { startCollab } from '../integration/helpers.js';

function Page() {
  const status = useStatus();
  const others = useOthers();
  const [mine] = useMyPresence();
  const self = useSelf();
  const room = useRoom();
  const title = useYjs(useDocument()?.getText('title'));
  const { status: sub } = useChannel('/ssr');
  const saved = useSyncStatus({ warnBeforeUnload: true });
  return <p>{`${status}|${saved}|${sub}|${others.length}|${JSON.stringify(mine)}|${String(self.connection)}|${room ? 'room' : 'no room'}|${title ?? '-'}`}</p>;
}

describe('server rendering', () => {
  it('[REACT-8] renderToString renders the initial state, touches no window and opens no connection', async () => {
    const { url, server } = await startCollab();
    const seen: string[] = [];
    server.addExtension({ name: 'watch', incoming: (message: Message) => (seen.push(message.channel), message) });
    // Any read of `window` (even `typeof window`) fails the render.
    Object.defineProperty(globalThis, 'window', {
      configurable: true,
      get() {
        throw new Error('window was touched during a server render');
      },
    });
    let html: string;
    try {
      html = renderToString(
        <KuiperProvider url={url}>
          <RoomProvider room="ssr-room" initialPresence={{ name: 'Ada' }}>
            <Page />
          </RoomProvider>
        </KuiperProvider>,
      );
    } finally {
      delete (globalThis as { window?: unknown }).window;
    }
    expect(html).toBe('<p>connecting|synchronizing|idle|0|{}|undefined|no room|-</p>');
    // A client made during the render would have started its handshake before this one's.
    await newClient(url).whenConnected();
    expect(seen.filter((channel) => channel === '/meta/handshake')).toHaveLength(1);
  });
});
