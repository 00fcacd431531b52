// React tests over a real server: a provider tree around a test client, rendered with Testing Library and unmounted after the test.
import { render, type RenderResult } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { onCleanup, newClient } from '@kuiper/testkit';
import type { ClientOptions, KuiperClient } from '@kuiper/client';
import type { EnterRoomOptions, PresenceData } from '../../src/index.js';
import { KuiperProvider, RoomProvider } from '../../src/react/index.js';

export interface Mounted extends RenderResult {
  client: KuiperClient;
}

/** Renders `ui` inside a KuiperProvider (and a RoomProvider when `room` is given) on a fresh client. */
export function mount(
  url: string,
  ui: ReactNode,
  options: { room?: string; presence?: PresenceData; strict?: boolean; client?: ClientOptions; roomOptions?: Omit<EnterRoomOptions, 'presence'> } = {},
): Mounted {
  const client = newClient(url, options.client);
  const inner = options.room ? (
    <RoomProvider room={options.room} {...(options.presence ? { initialPresence: options.presence } : {})} options={{ throttleMs: 10, ...options.roomOptions }}>
      {ui}
    </RoomProvider>
  ) : (
    ui
  );
  const tree = <KuiperProvider client={client}>{inner}</KuiperProvider>;
  const result = render(options.strict ? <StrictMode>{tree}</StrictMode> : tree);
  onCleanup(() => result.unmount()); // before the client disconnects (cleanup runs newest first)
  return { ...result, client };
}
