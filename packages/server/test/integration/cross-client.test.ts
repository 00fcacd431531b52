// CometD and faye clients on one server see each other's messages.
import { describe, it, expect } from 'vitest';
import type { Message } from 'cometd';
import { cleanup, eventually, startKuiper } from '@kuiper/testkit';
import { connectedCometD, type CometdTransport } from '../helpers/cometd.js';
import { createFaye, type FayeTransport } from '../helpers/faye.js';

const pairs: Array<[CometdTransport, FayeTransport]> = [
  ['long-polling', 'long-polling'],
  ['websocket', 'websocket'],
  ['long-polling', 'websocket'],
];

describe.each(pairs)('cometd over %s with faye over %s', (cometdTransport, fayeTransport) => {
  it('a cometd publish reaches a faye subscriber and a faye publish reaches a cometd subscriber', async () => {
    const { url } = await startKuiper();
    const cometd = await connectedCometD(cleanup, url, cometdTransport);
    const faye = createFaye(cleanup, url, fayeTransport);

    const atFaye: unknown[] = [];
    const atCometd: Message[] = [];
    await faye.subscribe('/chat/to-faye', (data) => atFaye.push(data));
    await cometd.subscribe('/chat/to-cometd', (m) => atCometd.push(m));

    const ack = await cometd.publish('/chat/to-faye', { from: 'cometd', n: 1 });
    expect(ack.successful).toBe(true);
    await eventually(() => expect(atFaye).toEqual([{ from: 'cometd', n: 1 }]));

    await faye.publish('/chat/to-cometd', { from: 'faye', n: 2 });
    await eventually(() => expect(atCometd.map((m) => m.data)).toEqual([{ from: 'faye', n: 2 }]));
    expect(atCometd[0]!.channel).toBe('/chat/to-cometd');
    expect(faye.connectionType()).toBe(fayeTransport);
    expect(cometd.cometd.getTransport()?.type).toBe(cometdTransport);
  });

  it('both clients on one wildcard subscription each get one copy', async () => {
    const { url, server: kuiper } = await startKuiper();
    const cometd = await connectedCometD(cleanup, url, cometdTransport);
    const faye = createFaye(cleanup, url, fayeTransport);
    const atFaye: unknown[] = [];
    const atCometd: unknown[] = [];
    await faye.subscribe('/chat/**', (data) => atFaye.push(data));
    await cometd.subscribe('/chat/**', (m) => atCometd.push(m.data));
    await eventually(() => expect(kuiper.stats().subscriptions).toBe(2));

    await faye.publish('/chat/x/y', { n: 1 });
    await cometd.publish('/chat/z', { n: 2 });

    await kuiper.publish('/chat/end', { n: 3 });

    await eventually(() => expect(atFaye).toContainEqual({ n: 3 }));
    await eventually(() => expect(atCometd).toContainEqual({ n: 3 }));
    expect(atFaye).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(atCometd).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });
});
