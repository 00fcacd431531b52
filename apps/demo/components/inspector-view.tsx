'use client';
/**
 * [DEMO-6] The server, live: sessions with their transport and subscriptions, channels with their
 * subscriber counts, and the timeline of sessions and channels coming and going. The server
 * publishes its state on /inspector/state as it changes; the page asks once for the state as it is.
 */
import { useEffect, useState } from 'react';
import type { InspectorSnapshot } from '../server/inspector-model';
import { useClient } from '@kuiper/collab/react';
import { ConnectionStatus } from './connection-status';
import { DemoKuiper } from './demo-kuiper';

const time = (at: number): string => new Date(at).toLocaleTimeString();

/** A watcher's client: its handshake names no user. */
export function InspectorView() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []); // the client needs the page's origin: not in a server render
  return ready ? (
    <DemoKuiper>
      <InspectorTables />
    </DemoKuiper>
  ) : null;
}

function InspectorTables() {
  const client = useClient();
  const [state, setState] = useState<InspectorSnapshot>();
  useEffect(() => {
    if (!client) return;
    const subscription = client.subscribe('/inspector/state', (data) => setState(data as InspectorSnapshot));
    // Subscribed first, so nothing published between the answer and the subscription is missed.
    void subscription.ready
      .then(() => client.call('/service/inspector/state', {}))
      .then((data) => setState((current) => current ?? (data as InspectorSnapshot)))
      .catch(() => undefined); // the client reports its own errors in the status line
    return () => void subscription.unsubscribe();
  }, [client]);

  return (
    <div>
      <header className="room-bar">
        <h1>Inspector</h1>
        <ConnectionStatus />
      </header>
      {state && (
        <div className="inspector-grid">
          <section className="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">Sessions ({state.sessions.length})</h2>
            <table aria-labelledby="sessions-heading">
              <thead>
                <tr><th>clientId</th><th>user</th><th>transport</th><th>subscriptions</th></tr>
              </thead>
              <tbody>
                {state.sessions.map((s) => (
                  <tr key={s.clientId} data-client-id={s.clientId}>
                    <td><code>{s.clientId}</code></td>
                    <td>{s.name ?? '—'}</td>
                    <td>{s.transport ?? '—'}</td>
                    <td>{s.subscriptions.map((c) => <div key={c}><code>{c}</code></div>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="channels-heading">
            <h2 id="channels-heading">Channels ({state.channels.length})</h2>
            <table aria-labelledby="channels-heading">
              <thead>
                <tr><th>channel</th><th>subscribers</th></tr>
              </thead>
              <tbody>
                {state.channels.map((c) => (
                  <tr key={c.channel}>
                    <td><code>{c.channel}</code></td>
                    <td>{c.subscribers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <ol className="timeline" aria-labelledby="timeline-heading">
              {state.timeline.map((e) => (
                <li key={e.seq}>
                  {time(e.at)} {e.kind} <code>{e.subject}</code>
                  {e.reason ? ` (${e.reason})` : ''}
                </li>
              ))}
            </ol>
          </section>
        </div>
      )}
    </div>
  );
}
