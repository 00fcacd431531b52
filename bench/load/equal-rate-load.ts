// Entry of the load generator for the cluster cases' equal-rate window (cluster-equal-rate.ts), a
// process of its own pinned to CPU 1 like the other load generator. The harness drives it step by
// step, so it can read Redis between the steps: open the subscribers (and sample Redis idle with
// them connected), then publish at one fixed rate for a while, then report what arrived.
import type { EqualRateReply, EqualRateStep } from '../cluster-equal-rate.ts';
import { fdLimit } from '../servers/serve-over-ipc.ts';
import { BayeuxWsClient } from './bayeux-ws-client.ts';
import { openAll, sleep } from './load-context.ts';
import { nowMicros, payload, scanDeliveries } from './scan-deliveries.ts';

const CHANNEL = '/bench/equal-rate';
const send = (msg: EqualRateReply): void => {
  process.send?.(msg);
};

let delivered = 0;
let errors = 0;
const notes: string[] = [];
const onError = (message: string): void => {
  errors++;
  if (notes.length < 5 && !notes.includes(message)) notes.push(message);
};
let subscribers: BayeuxWsClient[] = [];
let publisher: BayeuxWsClient | undefined;

async function open(step: Extract<EqualRateStep, { type: 'open' }>): Promise<EqualRateReply> {
  const urls = [step.url, step.peerUrl];
  const events = { onFrame: (buf: Buffer) => void (delivered += scanDeliveries(buf, () => {})), onError };
  // Alternating nodes, as the main window's subscribers do.
  subscribers = await openAll(
    step.subscribers,
    50,
    async (i) => {
      const client = new BayeuxWsClient(urls[i % 2] ?? step.url, events, step.ack === true);
      await client.start([CHANNEL]);
      return client;
    },
    (err) => onError(err.message),
  );
  const p = new BayeuxWsClient(step.url, { onFrame: () => {}, onError });
  await p.start([]);
  publisher = p;
  return { type: 'opened', subscribers: subscribers.length, errors, notes };
}

/** Publishes at k / rate s for every k below rate × duration, then waits out the window and (bounded) the last deliveries. */
async function publish(step: Extract<EqualRateStep, { type: 'publish' }>): Promise<EqualRateReply> {
  const count = Math.round((step.publishesPerSec * step.durationMs) / 1000);
  const expected = count * subscribers.length;
  const d0 = delivered;
  const padding = 'x'.repeat(step.payloadBytes);
  const started = performance.now();
  for (let k = 0; k < count; k++) {
    const due = started + (k * 1000) / step.publishesPerSec;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    publisher?.publish(CHANNEL, payload(nowMicros(), padding));
  }
  const left = started + step.durationMs - performance.now();
  if (left > 0) await sleep(left);
  const drainUntil = performance.now() + step.drainMs;
  while (delivered - d0 < expected && performance.now() < drainUntil) await sleep(20);
  return { type: 'published', published: count, expected, delivered: delivered - d0, errors, notes };
}

process.on('message', (raw: unknown) => {
  const step = raw as EqualRateStep;
  (step.type === 'open' ? open(step) : publish(step)).then(send, (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', fdLimit: fdLimit() });
