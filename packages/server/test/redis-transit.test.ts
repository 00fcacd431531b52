// [REDIS-12] Scripts refused while their slot is in transit, sent again in the order they were
// issued (src/engines/redis/transit.ts). A slot of our own stands in for Redis: it refuses while
// `moving`, and records what it was sent, so the order and the one-at-a-time sending are visible.
// The real cluster cases are in test/cluster/redis-cluster-reshard.test.ts.
import { describe, expect, it } from 'vitest';
import type { Reply } from '../src/engines/redis/replies.js';
import { refusedInTransit, SlotTransit } from '../src/engines/redis/transit.js';

const until = async (ok: () => boolean, ms = 2000): Promise<void> => {
  for (const end = Date.now() + ms; !ok(); ) {
    if (Date.now() > end) throw new Error('not within time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

/** A slot that answers after `latencyMs`, refusing with `refusal` while `moving`. */
function slot(latencyMs = 1) {
  const s = {
    moving: false,
    refusal: 'TRYAGAIN Multiple keys request during rehashing of slot',
    sent: [] as string[],
    ran: [] as string[],
    inFlight: 0,
    mostInFlight: 0,
    refreshes: 0,
    /** `firstLatencyMs`: the first try's answer is that slow (sent before a refusal, back after). */
    send(name: string, firstLatencyMs = latencyMs): () => Promise<Reply> {
      let tries = 0;
      return () => {
        const ms = tries++ === 0 ? firstLatencyMs : latencyMs;
        s.sent.push(name);
        s.inFlight++;
        s.mostInFlight = Math.max(s.mostInFlight, s.inFlight);
        const moving = s.moving; // the slot as the script reached it
        return new Promise((resolve, reject) =>
          setTimeout(() => {
            s.inFlight--;
            if (moving) return reject(new Error(s.refusal));
            s.ran.push(name);
            resolve(name);
          }, ms),
        );
      };
    },
  };
  return s;
}

const transit = (s: { refreshes: number }, patienceMs = 2000) =>
  new SlotTransit({ refresh: async () => void s.refreshes++, patienceMs, firstDelayMs: 2, maxDelayMs: 10 });

describe('[REDIS-12] scripts refused while their slot moves', () => {
  it('tells a refusal from other errors', () => {
    for (const m of ['MOVED 3999 127.0.0.1:7001', 'ASK 3999 127.0.0.1:7001', 'TRYAGAIN Multiple keys', 'CLUSTERDOWN The cluster is down', 'Too many Cluster redirections. Last error: MOVED 1 x:1']) {
      expect(refusedInTransit(new Error(m)), m).toBe(true);
    }
    for (const m of ['ERR unknown command', 'NOSCRIPT No matching script', 'Connection is closed.', 'BUSYKEY Target key name already exists']) {
      expect(refusedInTransit(new Error(m)), m).toBe(false);
    }
  });

  it('a refused script is sent again once the slot settles, and its caller gets the reply; other errors stand at once', async () => {
    const s = slot();
    const t = transit(s);
    s.moving = true;
    s.refusal = 'MOVED 3999 127.0.0.1:7001';
    const p = t.run('stream-a', s.send('a1'));
    await until(() => s.sent.length >= 3); // refused, sent again, refused again...
    expect(s.refreshes).toBeGreaterThan(0); // MOVED: the slot map is read again before each try
    s.moving = false;
    await expect(p).resolves.toBe('a1');
    expect(s.ran).toEqual(['a1']);
    expect(t.waiting).toBe(0);

    const failing = () => Promise.reject(new Error('ERR wrong number of arguments'));
    await expect(t.run('stream-a', failing)).rejects.toThrow('ERR wrong number');
    expect(t.retried).toBe(s.sent.length - 1); // the error was not sent again
  });

  it('keeps the order scripts were issued in: refused ones, ones already on their way, and ones issued meanwhile go one at a time, in order', async () => {
    const s = slot(3);
    const t = transit(s);
    s.moving = true;
    // 1 and 2 are on their way before either comes back refused; 3..6 are issued once 1 came back
    // refused, and 2's refusal comes back after them (its answer is slow).
    const replies = [t.run('stream-a', s.send('1')), t.run('stream-a', s.send('2', 40))];
    await until(() => t.waiting >= 1);
    for (const n of ['3', '4', '5', '6']) replies.push(t.run('stream-a', s.send(n)));
    await until(() => t.waiting === 6 && t.retried >= 3);
    s.moving = false;
    await expect(Promise.all(replies)).resolves.toEqual(['1', '2', '3', '4', '5', '6']);
    expect(s.ran).toEqual(['1', '2', '3', '4', '5', '6']);
    // 3..6 were never sent while the lane waited: only 1 and 2 went out together, at first.
    expect(s.sent.slice(0, 2)).toEqual(['1', '2']);
    expect(s.sent.filter((n) => Number(n) >= 3)).toEqual(['3', '4', '5', '6']);
    expect(s.mostInFlight).toBe(2);
    // The lane is open again: the next script goes straight out.
    const before = t.retried;
    await expect(t.run('stream-a', s.send('7'))).resolves.toBe('7');
    expect(t.retried).toBe(before);
  });

  it('a refusal slow to come back, while a later script is being sent again, is sent once too: nothing runs twice or waits for ever', async () => {
    const s = slot(40); // a resend's answer takes 40 ms
    // The slot settles as the map is read again, so the first resend goes through.
    const t = new SlotTransit({ refresh: async () => void (s.moving = false), patienceMs: 2000, firstDelayMs: 1 });
    s.moving = true;
    // Issued first, its refusal comes back 15 ms in: while 1, refused at once, is being sent again.
    const early = t.run('stream-a', s.send('0', 15));
    const later = t.run('stream-a', s.send('1', 1));
    const stuck = new Promise((r) => setTimeout(() => r('still waiting after 2 s'), 2000).unref());
    await expect(Promise.race([Promise.all([early, later]), stuck])).resolves.toEqual(['0', '1']);
    expect([...s.ran].sort()).toEqual(['0', '1']); // each once
    expect(t.waiting).toBe(0);
  });

  it('a slot that does not settle: each script\'s refusal stands after its patience, and the lane opens again', async () => {
    const s = slot();
    const t = transit(s, 60);
    s.moving = true;
    s.refusal = 'CLUSTERDOWN The cluster is down';
    const started = Date.now();
    const replies = [t.run('stream-a', s.send('1')), t.run('stream-a', s.send('2'))].map((p) => p.then(() => 'ok', (e: Error) => e.message));
    await expect(Promise.all(replies)).resolves.toEqual(['CLUSTERDOWN The cluster is down', 'CLUSTERDOWN The cluster is down']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(t.waiting).toBe(0);
    s.moving = false;
    await expect(t.run('stream-a', s.send('3'))).resolves.toBe('3');
  });

  it('lanes are apart: a stream whose slot moves holds back none of another stream\'s scripts', async () => {
    const moving = slot();
    const other = slot();
    const t = transit(moving);
    moving.moving = true;
    const held = t.run('stream-a', moving.send('a1'));
    await until(() => t.waiting === 1);
    await expect(t.run('stream-b', other.send('b1'))).resolves.toBe('b1');
    expect(other.sent).toEqual(['b1']);
    moving.moving = false;
    await expect(held).resolves.toBe('a1');
  });
});
