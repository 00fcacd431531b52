// SWEEP-2: one full collection after a wave of departures, never in the middle of one, never for a
// trickle, and rate-limited. The unit part drives the reclaimer's clock and collector; the server
// part opens and disconnects 1,000 real sessions and watches the collector V8 exposes (global.gc).
import { afterEach, describe, expect, it } from 'vitest';
import { HeapReclaimer } from '../src/adapters/heap-reclaimer.js';
import { bayeux, Cleanup, eventually, rawHandshake, startServer, msgId } from './helpers/server.js';

const MiB = 1024 * 1024;

function reclaimer(live = 0, young = (): number => 32 * MiB, loop = (): number => 0): { r: HeapReclaimer; runs: () => number } {
  let runs = 0;
  const r = new HeapReclaimer({ liveSessions: () => live, minDepartures: 100, minArrivals: 100, minGapMs: 10_000, youngGeneration: young, loopUtilization: loop, collect: () => void runs++ });
  return { r, runs: () => runs };
}

const depart = (r: HeapReclaimer, n: number): void => {
  for (let i = 0; i < n; i++) r.departure();
};

describe('[SWEEP-2] heap reclaimer', () => {
  it('collects once after a wave is over, not while it goes on', () => {
    const { r, runs } = reclaimer();
    depart(r, 150);
    expect(r.check(1000)).toBe(false); // departures since the last check: the wave may go on
    depart(r, 50);
    expect(r.check(2000)).toBe(false);
    expect(r.check(3000)).toBe(true);
    expect(runs()).toBe(2); // one collection is two passes
    expect(r.check(4000)).toBe(false);
    expect(r.check(6000)).toBe(true); // a follow-up, 3 s later
  });

  it('ignores a trickle and a wave smaller than what remains', () => {
    const small = reclaimer();
    depart(small.r, 99);
    small.r.check(0);
    expect(small.r.check(1000)).toBe(false);
    const big = reclaimer(500);
    depart(big.r, 300);
    big.r.check(0);
    expect(big.r.check(1000)).toBe(false);
    expect(small.runs() + big.runs()).toBe(0);
  });

  it('follows a collection with three more, 3, 6 and 12 s later, and no more', () => {
    const { r, runs } = reclaimer();
    depart(r, 100);
    r.check(0);
    expect(r.check(1000)).toBe(true);
    expect(r.check(3000)).toBe(false);
    expect(r.check(4000)).toBe(true);
    expect(r.check(7000)).toBe(true);
    expect(r.check(12_000)).toBe(false);
    expect(r.check(13_000)).toBe(true);
    expect(r.check(30_000)).toBe(false);
    expect(runs()).toBe(8);
  });

  it('starts a new wave no sooner than minGapMs after the last', () => {
    const { r, runs } = reclaimer();
    depart(r, 100);
    r.check(0);
    expect(r.check(1000)).toBe(true);
    depart(r, 100);
    r.check(2000);
    expect(r.check(3000)).toBe(false); // over, but within 10 s of the last wave
    for (const t of [4000, 7000]) expect(r.check(t)).toBe(true); // the first wave's follow-ups go on
    expect(r.check(10_000)).toBe(false);
    expect(r.check(11_500)).toBe(true); // the second wave, 10.5 s after the first
    expect(runs()).toBe(8);
  });
});

const arrive = (r: HeapReclaimer, n: number): void => {
  for (let i = 0; i < n; i++) r.arrival();
};

describe('[SWEEP-3] heap reclaimer after arrivals', () => {
  it('collects after a wave of arrivals is over, and 3, 6 and 12 s later', () => {
    const { r, runs } = reclaimer(150);
    arrive(r, 150);
    expect(r.check(1000)).toBe(false); // arrivals since the last check: the wave may go on
    expect(r.check(2000)).toBe(true);
    expect(runs()).toBe(2);
    expect(r.check(4000)).toBe(false);
    for (const t of [5000, 8000, 14_000]) expect(r.check(t)).toBe(true);
    expect(r.check(30_000)).toBe(false);
  });

  it('ignores a wave under minArrivals or under half of the live sessions', () => {
    // n arrivals, then a check with none since: whether that collected.
    const over = (r: HeapReclaimer, n: number, at: number): boolean => {
      arrive(r, n);
      r.check(at);
      return r.check(at + 1000);
    };
    expect(over(reclaimer(99).r, 99, 0)).toBe(false);
    const big = reclaimer(1000).r;
    expect(over(big, 499, 0)).toBe(false);
    expect(over(big, 1, 2000)).toBe(true); // 500 of 1,000 live
  });

  it('stops the follow-ups once the young generation is small again', () => {
    let young = 32 * MiB;
    const { r, runs } = reclaimer(150, () => young);
    arrive(r, 150);
    r.check(0);
    expect(r.check(1000)).toBe(true);
    expect(r.check(4000)).toBe(true); // 32 MiB: the follow-up runs
    young = 1 * MiB;
    for (const t of [7000, 13_000]) expect(r.check(t)).toBe(false);
    expect(runs()).toBe(4);
  });

  it('waits while the server is busy: no collection nor follow-up inside a busy period', () => {
    let loop = 0.9;
    const { r, runs } = reclaimer(150, () => 32 * MiB, () => loop);
    arrive(r, 150);
    r.check(0);
    for (const t of [1000, 2000, 3000]) expect(r.check(t)).toBe(false); // busy serving them
    loop = 0.05;
    expect(r.check(4000)).toBe(true); // quiet: the wave is collected now
    loop = 0.9;
    for (const t of [7000, 10_000, 16_000, 30_000]) expect(r.check(t)).toBe(false); // busy again: follow-ups dropped
    expect(runs()).toBe(2); // the collection runs its collector twice (the second pass compacts)
  });

  it('counts only the sessions that came and stayed', () => {
    const { r, runs } = reclaimer(90);
    arrive(r, 150);
    depart(r, 60); // 90 stayed, under minArrivals; 60 left, under minDepartures
    r.check(0);
    expect(r.check(1000)).toBe(false);
    expect(runs()).toBe(0);
  });

  it('is not held back by a trickle of departures, nor a departure wave by a trickle of arrivals', () => {
    const cases = [
      { live: 150, wave: arrive, trickle: depart },
      { live: 0, wave: depart, trickle: arrive },
    ];
    for (const { live, wave, trickle } of cases) {
      const { r } = reclaimer(live);
      wave(r, 150);
      trickle(r, 1);
      r.check(0);
      trickle(r, 1);
      expect(r.check(1000)).toBe(true);
    }
  });

  it('limits each kind of wave on its own: a departure wave right after an arrival wave is collected', () => {
    const { r } = reclaimer(200);
    arrive(r, 200);
    r.check(0);
    expect(r.check(1000)).toBe(true);
    arrive(r, 200);
    r.check(2000);
    expect(r.check(3000)).toBe(false); // a second arrival wave within 10 s
    depart(r, 200);
    r.check(4000);
    expect(r.check(5000)).toBe(true); // those sessions leaving is another kind of wave
  });
});

describe('[SWEEP-2] a server after 1,000 sessions leave', () => {
  const cleanup = new Cleanup();
  const g = globalThis as { gc?: () => void };
  const saved = g.gc;
  afterEach(async () => {
    await cleanup.run();
    if (saved) g.gc = saved;
    else delete g.gc;
  });

  async function openAndClose(url: string, n: number): Promise<void> {
    for (let i = 0; i < n; i += 50) {
      const ids = await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => rawHandshake(url)));
      await Promise.all(ids.map((clientId) => bayeux(url, [{ channel: '/meta/disconnect', clientId, id: msgId() }])));
    }
  }

  it('runs one full collection once they are gone', { timeout: 30_000 }, async () => {
    let collections = 0;
    g.gc = () => void collections++;
    const { url, kuiper } = await startServer(cleanup, { sweepIntervalMs: 100, reclaimMemory: true });
    await openAndClose(url, 1000);
    expect(kuiper.stats().clients).toBe(0);
    await eventually(() => expect(collections).toBe(2));
    // Quiet afterwards: no departures, no more collections.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collections).toBe(2);
  });

  it('[SWEEP-2] does nothing when embedded with the default (reclaimMemory off)', { timeout: 30_000 }, async () => {
    let collections = 0;
    g.gc = () => void collections++;
    const { url } = await startServer(cleanup, { sweepIntervalMs: 100 });
    await openAndClose(url, 1000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collections).toBe(0);
  });
});
