// [LIMIT-8] WebSockets that go quiet are closed, so sockets that never handshake or whose client
// vanished without a close do not hold descriptors for ever. The idle check runs on a timer, so
// this test fakes setInterval and Date (the network stays real) to cover minutes in milliseconds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, RawSocket, eventually, msgId, startKuiper } from '@kuiper/testkit';

afterEach(async () => {
  await cleanup.run();
  vi.useRealTimers();
});

const TIMEOUT = 1_000;
const MAX_INTERVAL = 2_000;
/** What the rule promises: timeout + maxInterval + 10 s. */
const IDLE_MS = TIMEOUT + MAX_INTERVAL + 10_000;

describe('[LIMIT-8] idle websockets', () => {
  it('closes a socket with no frame for timeout + maxInterval + 10 s (1001); one that talks stays', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { wsUrl } = await startKuiper({ timeout: TIMEOUT, maxInterval: MAX_INTERVAL });
    const silent = await RawSocket.open(cleanup, wsUrl);
    const talker = await RawSocket.open(cleanup, wsUrl);
    // Any frame counts as activity; an unknown session's connect is answered 402 and that is fine.
    const speak = () => talker.request({ channel: '/meta/connect', clientId: 'nobody', connectionType: 'websocket', id: msgId() });

    vi.advanceTimersByTime(IDLE_MS - 1_000);
    await speak();
    expect(silent.closed).toBe(false);

    // A quarter of the idle time later the check has run past the limit for the silent socket only.
    vi.advanceTimersByTime(1_000 + IDLE_MS / 4 + 100);
    await eventually(() => expect(silent.closeCode).toBe(1001));
    expect(talker.closed).toBe(false);
    expect((await speak()).error).toBe('402::session_unknown');
  });
});
