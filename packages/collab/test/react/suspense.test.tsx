// @vitest-environment jsdom
// [REACT-15] Suspense over a real server: a component that reads the room's document renders only
// once it is loaded (never an empty first draw), under StrictMode too; a refused room reaches the
// error boundary; on the server <ClientSideSuspense> renders its fallback and no room is entered.
import { screen } from '@testing-library/react';
import { Component, StrictMode, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { eventually, onCleanup } from '@kuiper/testkit';
import { ClientSideSuspense, useSuspenseDocument, useSuspenseRoom } from '../../src/react/index.js';
import { member, startCollab, text } from '../integration/helpers.js';
import { ProbeStore } from '../helpers/stores.js';
import { mount } from './helpers.js';

/** Every text the title rendered with, in order: what a person would have seen flash by. */
function titleWatcher(): { seen: string[]; Title: () => ReactNode } {
  const seen: string[] = [];
  function Title() {
    const doc = useSuspenseDocument();
    const value = doc.getText('t').toString();
    seen.push(value);
    return <h1>{value}</h1>;
  }
  return { seen, Title };
}

class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p role="alert">{`Could not open: ${this.state.error.message}`}</p> : this.props.children;
  }
}

describe('[REACT-15] Suspense', () => {
  for (const strict of [false, true]) {
    it(`shows the fallback, then the loaded document at its first draw${strict ? ' (StrictMode)' : ''}`, async () => {
      const { url } = await startCollab();
      const ada = member(url, 'suspended');
      await ada.room.synced;
      ada.room.doc.getText('t').insert(0, 'Roadmap');
      await ada.room.flush();

      const { seen, Title } = titleWatcher();
      mount(
        url,
        <ClientSideSuspense fallback={<p>Loading the room…</p>}>
          <Title />
        </ClientSideSuspense>,
        { room: 'suspended', strict },
      );
      expect(screen.getByText('Loading the room…')).toBeTruthy();
      await eventually(() => expect(screen.getByRole('heading').textContent).toBe('Roadmap'));
      expect(seen.every((value) => value === 'Roadmap')).toBe(true);
      expect(screen.queryByText('Loading the room…')).toBeNull();
      expect(text(ada.room)).toBe('Roadmap');
    });
  }

  it('a room the server cannot load reaches the error boundary instead of waiting for ever', async () => {
    const store = new ProbeStore();
    store.failLoad = true;
    const { url } = await startCollab({ store, onError: () => undefined });
    // React reports what an error boundary caught on the console; the boundary's text is the check.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    onCleanup(() => quiet.mockRestore());
    function Body() {
      useSuspenseRoom();
      return <p>inside</p>;
    }
    mount(
      url,
      <Boundary>
        <ClientSideSuspense fallback={<p>Loading…</p>}>
          <Body />
        </ClientSideSuspense>
      </Boundary>,
      { room: 'closed-room' },
    );
    await eventually(() => expect(screen.getByRole('alert').textContent).toMatch(/^Could not open: .*server_error/), 10_000);
    expect(screen.queryByText('inside')).toBeNull();
  });
});
