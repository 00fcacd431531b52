'use client';
import type { StatusSnapshot } from '@kuiper/client';
import { useStatusSnapshot } from '@kuiper/collab/react';

const LABELS: Record<StatusSnapshot['status'], string> = {
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  disconnected: 'Disconnected',
};

/** The text of the status element: "Connected · websocket". */
export function statusText(snapshot: StatusSnapshot): string {
  return snapshot.transport ? `${LABELS[snapshot.status]} · ${snapshot.transport}` : LABELS[snapshot.status];
}

/** [DEMO-3] The connection's status and the transport in use, announced to screen readers as it changes. */
export function ConnectionStatus() {
  const snapshot = useStatusSnapshot();
  return (
    <p role="status" className={`status status-${snapshot.status}`} title={snapshot.clientId ? `session ${snapshot.clientId}` : undefined}>
      {statusText(snapshot)}
    </p>
  );
}
