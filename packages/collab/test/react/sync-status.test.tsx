// @vitest-environment jsdom
// [REACT-12] A "Saved / Saving…" badge built on useSyncStatus, and the browser's "Leave site?"
// prompt it asks for, while the server goes away under an edit and comes back.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { MemoryStore } from '../../src/index.js';
import { useDocument, useSyncStatus, useUnsavedEdits } from '../../src/react/index.js';
import { member, startCollab, text } from '../integration/helpers.js';
import { mount } from './helpers.js';

/** What the browser does when the tab is closed: true when a listener asked it to prompt. */
function leavingAsks(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

let edit: (text: string) => void = () => undefined;

function Badge({ warn }: { warn: boolean }) {
  const status = useSyncStatus({ warnBeforeUnload: warn });
  const doc = useDocument();
  edit = (text) => doc?.getText('t').insert(0, text);
  return <p role="status">{status === 'synchronized' ? 'Saved' : 'Saving…'}</p>;
}

describe('useSyncStatus', () => {
  it('[REACT-12] Saved once loaded and while the server is down with nothing unsaved; an edit made then reads Saving… and makes leaving ask; stored after the restart, Saved and leaving asks nothing', async () => {
    const store = new MemoryStore();
    const first = await startCollab({ store });
    const { client } = mount(first.url, <Badge warn />, { room: 'saving', client: { backoff: { base: 100, max: 200 } } });
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    expect(leavingAsks()).toBe(false);

    await first.collab.detach();
    await first.server.close();
    // Disconnected with nothing unsaved: everything is stored, and leaving does not ask.
    await eventually(() => expect(client.status).toBe('reconnecting'), 10_000);
    expect(screen.getByRole('status').textContent).toBe('Saved');
    expect(leavingAsks()).toBe(false);
    edit('written offline ');
    expect(leavingAsks()).toBe(true); // at once: read when leaving, not at the next render
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Saving…'));
    expect(leavingAsks()).toBe(true);

    const second = await startCollab({ store }, {}, { port: first.port });
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Saved'), 15_000);
    expect(leavingAsks()).toBe(false);
    const other = member(second.url, 'saving').room; // someone else, entering now, gets the edit
    await other.synced;
    expect(text(other)).toBe('written offline ');
  });

  it('[REACT-12] without warnBeforeUnload leaving never asks, even with an edit unsaved', async () => {
    const server = await startCollab();
    const { client } = mount(server.url, <Badge warn={false} />, { room: 'quiet', client: { backoff: { base: 100, max: 200 } } });
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Saved'));
    await server.collab.detach();
    await server.server.close();
    await eventually(() => expect(client.status).toBe('reconnecting'), 10_000);
    edit('unsaved ');
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Saving…'));
    expect(leavingAsks()).toBe(false);
  });

  it('[REACT-13] useUnsavedEdits stays false through a reconnect with nothing unsaved (while syncStatus reads synchronizing), true for an offline edit until it is stored', async () => {
    const store = new MemoryStore();
    const first = await startCollab({ store });
    const seen: { unsaved: boolean; status: string }[] = [];
    function Unsaved() {
      const unsaved = useUnsavedEdits();
      const status = useSyncStatus();
      const doc = useDocument();
      edit = (text) => doc?.getText('t').insert(0, text);
      seen.push({ unsaved, status });
      return <p role="status">{unsaved ? 'Not saved' : 'Saved'}</p>;
    }
    const { client } = mount(first.url, <Unsaved />, { room: 'flash', client: { backoff: { base: 100, max: 200 } } });
    await eventually(() => expect(seen.at(-1)).toEqual({ unsaved: false, status: 'synchronized' }));
    const loaded = seen.length;

    // The server restarts under a room with nothing unsaved: it re-synchronizes, nothing is unsaved.
    await first.collab.detach();
    await first.server.close();
    await eventually(() => expect(client.status).toBe('reconnecting'), 10_000);
    const second = await startCollab({ store }, {}, { port: first.port });
    await eventually(() => expect(client.status).toBe('connected'), 15_000);
    await eventually(() => expect(seen.at(-1)?.status).toBe('synchronized'), 15_000);
    const reconnect = seen.slice(loaded);
    expect(reconnect.some((s) => s.status === 'synchronizing')).toBe(true); // what a syncStatus badge flashed
    expect(reconnect.every((s) => !s.unsaved)).toBe(true);

    await second.collab.detach();
    await second.server.close();
    await eventually(() => expect(client.status).toBe('reconnecting'), 10_000);
    edit('offline ');
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Not saved'));
    await startCollab({ store }, {}, { port: first.port });
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('Saved'), 15_000);
  }, 40_000);
});
