// @vitest-environment jsdom
// [REACT-4] What a status badge built on useStatus shows while the server goes away and comes back:
// issue 13 asks that useStatus change when the connection drops and when it returns.
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually, startKuiper } from '@kuiper/testkit';
import { useStatus, useStatusSnapshot } from '../../src/react/index.js';
import { mount } from './helpers.js';

describe('useStatus across a server restart', () => {
  it('[REACT-4] shows connected, then reconnecting while the server is down, then connected again — with the transport', async () => {
    const first = await startKuiper();
    const shown: string[] = [];
    function Badge() {
      const status = useStatus();
      const { transport } = useStatusSnapshot();
      // Every status the component rendered with, in order (a repeated render adds nothing new).
      if (shown[shown.length - 1] !== status) shown.push(status);
      return <p role="status">{`${status} · ${transport ?? 'none'}`}</p>;
    }
    // On a loaded machine the first connect after the restart can time out over WebSocket and land
    // on long-polling (CLI-13); the client then goes back to WebSocket after upgradeInterval (CLI-30),
    // shortened here so the test waits for that instead of the default minute.
    mount(first.url, <Badge />, { client: { backoff: { base: 100, max: 200 }, upgradeInterval: 1000 } });
    await eventually(() => expect(screen.getByRole('status').textContent).toBe('connected · websocket'));

    await first.server.close(); // its sockets close with it: the client notices at once
    await eventually(() => expect(screen.getByRole('status').textContent).toMatch(/^reconnecting/), 10_000);

    await startKuiper({}, { port: first.port });
    // Connected again, with the transport named. Usually WebSocket; on a busy runner the client may
    // still be on long-polling after its fallback (CLI-13) when this looks: either is the badge working.
    await eventually(() => expect(screen.getByRole('status').textContent).toMatch(/^connected · (websocket|long-polling)$/), 15_000);
    expect(shown[0]).toBe('connecting');
    expect(shown.slice(-3)).toEqual(['connected', 'reconnecting', 'connected']);
  });
});
