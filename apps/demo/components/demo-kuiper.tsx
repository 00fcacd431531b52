'use client';
/**
 * The page's Kuiper client, through @kuiper/collab/react's `KuiperProvider`. The handshake carries
 * the display name in `ext.user`: the server keeps it in the session (server/identity.ts), where the
 * chat's authors come from. A forced transport is the only one offered, so the select shows each one
 * working on its own; changing it (or the name) makes a new client (`key`).
 */
import type { ReactNode } from 'react';
import { KuiperProvider } from '@kuiper/collab/react';
import type { TransportName } from './transports';
import type { Identity } from './use-identity';

export function DemoKuiper({ identity, transport, viewer = false, children }: { identity?: Identity; transport?: TransportName; viewer?: boolean; children: ReactNode }) {
  const options = {
    // Back within seconds of a server restart (the default waits up to 30 s between attempts).
    backoff: { base: 500, max: 4000 },
    // Rooms re-sync by state vector after a drop; ack would cost a round trip per delivery (@kuiper/collab README).
    ack: false,
    ...(transport ? { transports: [transport] } : {}),
    ...(identity || viewer ? { ext: { ...(identity ? { user: { id: identity.id, name: identity.name } } : {}), ...(viewer ? { viewer: true } : {}) } } : {}),
  };
  return (
    <KuiperProvider key={`${transport ?? 'auto'}|${identity?.id ?? ''}|${identity?.name ?? ''}|${viewer}`} url={`${window.location.origin}/bayeux`} options={options}>
      {children}
    </KuiperProvider>
  );
}

