// @vitest-environment jsdom
// [REACT-14] A banner built on useLostConnectionListener while the server goes away and comes back.
import { screen } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { describe, expect, it } from 'vitest';
import { eventually, startKuiper } from '@kuiper/testkit';
import { useLostConnectionListener, type LostConnectionEvent } from '../../src/react/index.js';
import { mount } from './helpers.js';

describe('useLostConnectionListener', () => {
  it('[REACT-14] [COLLAB-45] a banner shows once the drop lasts and says so when the server is back; re-renders do not restart the wait', async () => {
    const first = await startKuiper();
    const heard: LostConnectionEvent[] = [];
    let renders = 0;
    function Banner() {
      const [text, setText] = useState('');
      const [, setTick] = useState(0);
      renders++;
      // A re-render every 100 ms, all through the 600 ms wait: a watch restarted by each one (and so
      // starting while already reconnecting) would never say lost.
      useEffect(() => {
        const timer = setInterval(() => setTick((n) => n + 1), 100);
        return () => clearInterval(timer);
      }, []);
      // A new listener each render: the hook keeps one watch all the same.
      useLostConnectionListener(
        (event) => {
          heard.push(event);
          setText(event === 'lost' ? 'Connection lost: your edits are kept' : event === 'restored' ? 'Back online' : 'Disconnected');
        },
        { lostAfterMs: 600 },
      );
      return <p role="alert">{text}</p>;
    }
    const { client } = mount(first.url, <Banner />, { client: { backoff: { base: 50, max: 100 }, upgradeInterval: 1000 } });
    await client.whenConnected();
    await first.server.close();
    await eventually(() => expect(screen.getByRole('alert').textContent).toBe('Connection lost: your edits are kept'), 5_000);
    await startKuiper({}, { port: first.port });
    await eventually(() => expect(screen.getByRole('alert').textContent).toBe('Back online'), 15_000);
    expect(heard).toEqual(['lost', 'restored']);
    expect(renders).toBeGreaterThanOrEqual(6); // the ticks went on through the wait
  });
});
