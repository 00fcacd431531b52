/** [CLI-36] A tab's view of a shared connection's numbered batches: no message lost or taken twice. */
import { describe, expect, it } from 'vitest';
import type { Message } from '../src/index.js';
import { DeliveryView } from '../src/shared/delivery-view.js';

const msgs = (...ns: number[]): Message[] => ns.map((n) => ({ channel: '/s', data: n }));
const data = (list: readonly Message[]) => list.map((m) => m.data);

describe('DeliveryView', () => {
  it('[CLI-36] takes batches in order and drops one not newer than the last (a late broadcast)', () => {
    const view = new DeliveryView();
    expect(data(view.accept('c1', { batch: 1, acked: 0 }, msgs(0, 1)))).toEqual([0, 1]);
    expect(data(view.accept('c1', { batch: 2, acked: 1 }, msgs(2)))).toEqual([2]);
    expect(data(view.accept('c1', { batch: 2, acked: 1 }, msgs(2)))).toEqual([]);
    expect(data(view.accept('c1', { batch: 1, acked: 0 }, msgs(0, 1)))).toEqual([]);
    expect(view.resumePoint).toEqual({ clientId: 'c1', ack: 2 });
  });

  it('[CLI-36] drops the re-sent head of batch n when it took n−1 and n was fetched with an older ack', () => {
    const view = new DeliveryView();
    view.accept('c1', { batch: 4, acked: 3 }, msgs(7));
    view.accept('c1', { batch: 5, acked: 4 }, msgs(8, 9));
    // The new leader had only seen batch 4: the server sends 5 again at the head of 6.
    expect(data(view.accept('c1', { batch: 6, acked: 4 }, msgs(8, 9, 10)))).toEqual([10]);
  });

  it('[CLI-36] takes all of batch n when it never saw n−1 (lost with the old leader)', () => {
    const view = new DeliveryView();
    view.accept('c1', { batch: 4, acked: 3 }, msgs(7));
    expect(data(view.accept('c1', { batch: 6, acked: 4 }, msgs(8, 9, 10)))).toEqual([8, 9, 10]);
  });

  it('[CLI-36] a new server session, or no ack numbering, takes everything; a seed counts as nothing taken', () => {
    const view = new DeliveryView();
    view.accept('c1', { batch: 9, acked: 8 }, msgs(1));
    expect(data(view.accept('c2', { batch: 1, acked: 0 }, msgs(2)))).toEqual([2]);
    expect(data(view.accept('c2', undefined, msgs(3)))).toEqual([3]);
    const late = new DeliveryView();
    late.seed('c3', 5);
    expect(late.resumePoint).toEqual({ clientId: 'c3', ack: 5 });
    expect(data(late.accept('c3', { batch: 6, acked: 4 }, msgs(4, 5)))).toEqual([4, 5]);
  });
});
