// @vitest-environment node
// [REACT-8] A server render of the providers and hooks: no window, no connection, the initial state.
import type { ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Message } from '@kuiper/client';
import { ClientSideSuspense, KuiperProvider, RoomProvider, useSuspenseDocument, useChannel, useMyPresence, useOthers, useRoom, useSelf, useStatus, useSyncStatus, useYjs, useDocument } from '../../src/react/index.js';
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

/** renderToString with `window` trapped: any read of it (even `typeof window`) fails the render. */
function renderOnServer(tree: ReactNode): string {
  Object.defineProperty(globalThis, 'window', {
    configurable: true,
    get() {
      throw new Error('window was touched during a server render');
    },
  });
  try {
    return renderToString(tree);
  } finally {
    delete (globalThis as { window?: unknown }).window;
  }
}

describe('server rendering', () => {
  it('[REACT-8] renderToString renders the initial state, touches no window and opens no connection', async () => {
    const { url, server } = await startCollab();
    const seen: string[] = [];
    server.addExtension({ name: 'watch', incoming: (message: Message) => (seen.push(message.channel), message) });
    const html = renderOnServer(
      <KuiperProvider url={url}>
        <RoomProvider room="ssr-room" initialPresence={{ name: 'Ada' }}>
          <Page />
        </RoomProvider>
      </KuiperProvider>,
    );
    expect(html).toBe('<p>connecting|synchronizing|idle|0|{}|undefined|no room|-</p>');
    // A client made during the render would have started its handshake before this one's.
    await newClient(url).whenConnected();
    expect(seen.filter((channel) => channel === '/meta/handshake')).toHaveLength(1);
  });

  it('[REACT-15] <ClientSideSuspense> renders its fallback on the server: no window, no connection, no wait', async () => {
    const { url, server } = await startCollab();
    const seen: string[] = [];
    server.addExtension({ name: 'watch', incoming: (message: Message) => (seen.push(message.channel), message) });
    function Title() {
      return <h1>{useSuspenseDocument().getText('t').toString()}</h1>;
    }
    const html = renderOnServer(
      <KuiperProvider url={url}>
        <RoomProvider room="ssr-suspense">
          <ClientSideSuspense fallback={<p>Loading…</p>}>
            <Title />
          </ClientSideSuspense>
        </RoomProvider>
      </KuiperProvider>,
    );
    expect(html).toBe('<p>Loading…</p>');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([]);
  });
});
