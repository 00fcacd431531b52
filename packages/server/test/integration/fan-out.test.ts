// Many real clients on one channel at once, mixed clients and transports: every client receives
// every message exactly once, and each publisher's messages in the order it sent them.
import { describe, it, expect } from 'vitest';
import { cleanup, eventually, startKuiper } from '@kuiper/testkit';
import { connectedCometD } from '../helpers/cometd.js';
import { createFaye } from '../helpers/faye.js';

interface Note {
  from: string;
  seq: number;
}

interface Peer {
  name: string;
  received: Note[];
  publish(note: Note): Promise<void>;
}

const PER_KIND = 4; // cometd-lp, cometd-ws, faye-lp, faye-ws: 16 clients
const MESSAGES = 25;

async function peers(url: string): Promise<Peer[]> {
  const list: Peer[] = [];
  for (let i = 0; i < PER_KIND; i++) {
    for (const transport of ['long-polling', 'websocket'] as const) {
      const cometd = await connectedCometD(cleanup, url, transport);
      const cReceived: Note[] = [];
      await cometd.subscribe('/chat/all', (m) => cReceived.push(m.data as Note));
      list.push({
        name: `cometd-${transport}-${i}`,
        received: cReceived,
        publish: async (note) => {
          const ack = await cometd.publish('/chat/all', note);
          if (!ack.successful) throw new Error(`publish failed: ${JSON.stringify(ack)}`);
        },
      });

      const faye = createFaye(cleanup, url, transport);
      const fReceived: Note[] = [];
      await faye.subscribe('/chat/all', (data) => fReceived.push(data as Note));
      list.push({ name: `faye-${transport}-${i}`, received: fReceived, publish: (note) => faye.publish('/chat/all', note) });
    }
  }
  return list;
}

describe('fan-out', () => {
  it('[PUB-1] 16 mixed clients each publish 25 messages; all get all, once, in per-publisher order', async () => {
    const { url, server: kuiper } = await startKuiper();
    const all = await peers(url);
    expect(kuiper.stats().subscriptions).toBe(all.length);

    await Promise.all(
      all.map(async (peer) => {
        for (let seq = 0; seq < MESSAGES; seq++) await peer.publish({ from: peer.name, seq });
      }),
    );

    const total = all.length * MESSAGES;
    await eventually(() => {
      for (const peer of all) expect(peer.received.length, peer.name).toBeGreaterThanOrEqual(total);
    }, 15_000);
    for (const peer of all) {
      expect(peer.received, peer.name).toHaveLength(total);
      for (const sender of all) {
        const seqs = peer.received.filter((n) => n.from === sender.name).map((n) => n.seq);
        expect(seqs, `${peer.name} from ${sender.name}`).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
      }
    }
  }, 30_000);
});
