// Every measured load is one shape (load-shape.ts): S subscribers spread over C channels (and over
// one server or two nodes), P WebSocket publishers, publishing either closed-loop (a fixed number
// of messages in flight, so the rate finds the server's maximum) or at a fixed rate. Counting
// happens in a warm-up-free window bracketed by server CPU snapshots, so "server µs per delivered
// message" covers exactly the counted deliveries.
import type { LoadResult } from '../ipc-messages.ts';
import { BayeuxWsClient, type ClientEvents } from './bayeux-ws-client.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { type MeasuredJob, shapeOf } from './load-shape.ts';
import { type LoadContext, openAll, sleep } from './load-context.ts';
import { LongPollClient } from './long-poll-client.ts';
import { coreShares, readCoreTicks } from './core-usage.ts';
import { nowMicros, payload, scanDeliveries } from './scan-deliveries.ts';

export async function runLoad(job: MeasuredJob, ctx: LoadContext): Promise<LoadResult> {
  const shape = shapeOf(job);
  const perMessage = shape.subscribers / shape.channels;
  const notes: string[] = [];
  let errors = 0;
  const onError = (message: string): void => {
    errors++;
    if (notes.length < 5 && !notes.includes(message)) notes.push(message);
  };

  // Window bounds are publish stamps (µs): a delivery belongs to the window if its message was
  // published inside it, which is what the fixed-rate "missing" count and the halves need.
  let winStart = Number.POSITIVE_INFINITY;
  let winMid = Number.POSITIVE_INFINITY;
  let winEnd = Number.POSITIVE_INFINITY;
  let delivered = 0;
  let frames = 0;
  let receivedOfWindow = 0;
  let frameNow = 0;
  const all = new LatencyRecorder();
  const firstHalf = new LatencyRecorder();
  const secondHalf = new LatencyRecorder();
  const onStamp = (t: number): void => {
    if (t < winStart || t >= winEnd) return;
    const ms = (frameNow - t) / 1000;
    all.add(ms);
    (t < winMid ? firstHalf : secondHalf).add(ms);
    receivedOfWindow++;
  };
  let pump = (): void => {};
  const events: ClientEvents = {
    onFrame(buf) {
      frameNow = nowMicros();
      const n = scanDeliveries(buf, onStamp);
      delivered += n;
      if (n > 0) frames++;
      pump();
    },
    onError,
  };

  // Channels named after the job, so sessions left over from an earlier job never receive these.
  const channel = (c: number): string => (shape.channels === 1 ? `/bench/${job.kind}` : `/bench/${job.kind}/${c}`);
  ctx.progress(`opening ${shape.subscribers} ${shape.longPoll ? 'long-polling' : 'websocket'} subscribers`);
  const subscribers = await openAll(
    shape.subscribers,
    50,
    async (i) => {
      const url = shape.subscriberUrls[i % shape.subscriberUrls.length] ?? job.url;
      const client = shape.longPoll ? new LongPollClient(url, events) : new BayeuxWsClient(url, events);
      await (client instanceof LongPollClient ? client.start(channel(i % shape.channels)) : client.start([channel(i % shape.channels)]));
      return client;
    },
    (err) => onError(err.message),
  );
  const expectedPerMessage = shape.channels === 1 ? subscribers.length : perMessage;
  const publishers = await openAll(
    shape.publishers,
    10,
    async () => {
      const client = new BayeuxWsClient(job.url, { onFrame: () => {}, onError });
      await client.start([]);
      return client;
    },
    (err) => onError(err.message),
  );
  if (publishers.length === 0 || subscribers.length === 0) throw new Error(`setup failed: ${notes.join('; ')}`);

  const padding = 'x'.repeat(job.payloadBytes);
  let published = 0;
  let publishedOfWindow = 0;
  let nextChannel = 0;
  const publishOne = (): void => {
    const stamp = nowMicros();
    const c = nextChannel;
    nextChannel = (nextChannel + 1) % shape.channels;
    const publisher = publishers[c % publishers.length];
    publisher?.publish(channel(c), payload(stamp, padding));
    published++;
    if (stamp >= winStart && stamp < winEnd) publishedOfWindow++;
  };

  let running = true;
  let forgiven = 0;
  let timer: NodeJS.Timeout | undefined;
  if (shape.window !== undefined) {
    const window = shape.window;
    // Closed loop: keep `window` messages' worth of deliveries outstanding.
    pump = () => {
      while (running && (published - forgiven) * expectedPerMessage - delivered < window * expectedPerMessage) publishOne();
    };
    // A message the server never delivers would stall the loop for good: after a second without
    // progress, write the outstanding messages off and note it.
    let lastDelivered = -1;
    timer = setInterval(() => {
      if (running && delivered === lastDelivered) {
        forgiven = published - Math.floor(delivered / expectedPerMessage);
        onError('closed loop stalled for 1 s (messages lost or server stuck)');
        pump();
      }
      lastDelivered = delivered;
    }, 1000);
    pump();
  } else {
    const rate = shape.rate ?? 1;
    const started = performance.now();
    // Fixed rate from elapsed time, so timer jitter never lowers the offered rate.
    timer = setInterval(() => {
      if (!running) return;
      const due = Math.floor(((performance.now() - started) * rate) / 1000);
      while (published < due) publishOne();
    }, 2);
  }

  ctx.progress('warming up');
  await sleep(job.warmupMs);
  const s0 = await ctx.serverStats();
  const cpu0 = process.cpuUsage();
  const ticks0 = readCoreTicks();
  const t0 = performance.now();
  const d0 = delivered;
  const f0 = frames;
  const p0 = published;
  winStart = nowMicros();
  winMid = winStart + job.durationMs * 500;
  winEnd = winStart + job.durationMs * 1000;
  ctx.progress('measuring');
  await sleep(job.durationMs);
  const d1 = delivered;
  const f1 = frames;
  const p1 = published;
  const t1 = performance.now();
  const cpu1 = process.cpuUsage(cpu0);
  const cores = coreShares(ticks0, readCoreTicks());
  const s1 = await ctx.serverStats();
  running = false;
  clearInterval(timer);

  // Let messages published inside the window arrive (bounded), so a server that falls behind shows
  // up as high latency plus a "missing" count instead of silently shortening the tail.
  const drainUntil = performance.now() + shape.drainMs;
  while (receivedOfWindow < publishedOfWindow * expectedPerMessage && performance.now() < drainUntil) await sleep(20);
  const missing = publishedOfWindow * expectedPerMessage - receivedOfWindow;
  if (missing > 0) notes.push(`${missing} deliveries of in-window messages had not arrived ${shape.drainMs} ms after the window`);
  if (s0.source === 'proc' || s1.source === 'proc') notes.push('server too busy to answer the stats request within 2 s: its CPU was read from /proc');
  if (subscribers.length < shape.subscribers) notes.push(`only ${subscribers.length}/${shape.subscribers} subscribers connected`);

  for (const client of subscribers) client instanceof LongPollClient ? client.stop() : client.close();
  for (const client of publishers) client.close();

  const windowMs = t1 - t0;
  const result: LoadResult = {
    delivered: d1 - d0,
    frames: f1 - f0,
    published: p1 - p0,
    windowMs,
    serverCpuMicros: s1.cpuMicros - s0.cpuMicros,
    ...(s0.redisCpuMicros !== undefined && s1.redisCpuMicros !== undefined ? { redisCpuMicros: s1.redisCpuMicros - s0.redisCpuMicros } : {}),
    ...(s0.nodeACpuMicros !== undefined && s1.nodeACpuMicros !== undefined ? { nodeACpuMicros: s1.nodeACpuMicros - s0.nodeACpuMicros } : {}),
    loadCpuShare: (cpu1.user + cpu1.system) / (windowMs * 1000),
    coreBusy: cores.map((c) => c.busy),
    coreIrq: cores.map((c) => c.irq),
    missing,
    errors,
    notes,
  };
  const summaries = { latencyMs: all.summary(), firstHalfMs: firstHalf.summary(), secondHalfMs: secondHalf.summary() };
  for (const [key, value] of Object.entries(summaries)) if (value) Object.assign(result, { [key]: value });
  return result;
}
