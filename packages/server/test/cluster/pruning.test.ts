// Pruning and sweeping across the cluster (SPEC: REDIS-4, SESS-2, SESS-3).
import { describe, expect, it } from 'vitest';
import {
  cleanup,
  bayeux,
  connectMessage,
  eventually,
  immediateConnect,
  msgId,
  rawHandshake,
  replyTo,
} from '@kuiper/testkit';
import { startCluster } from './cluster.js';

describe('cluster-wide pruning', () => {
  it('[REDIS-4][REDIS-6][SESS-2] a session that stops connecting is pruned once, by one node (its event there only), and is gone everywhere', async () => {
    const { nodes, events } = await startCluster(cleanup, 3, { maxInterval: 300, sweepIntervalMs: 25 });
    const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
    const id = await rawHandshake(a.url);
    const sub = { channel: '/meta/subscribe', clientId: id, subscription: '/p', id: msgId() };
    await bayeux(b.url, [sub]);
    await bayeux(c.url, [immediateConnect(id)]);
    // No more connects: within maxInterval (plus a sweep) some node prunes it.
    await eventually(() => expect(events.some((e) => e.type === 'session:removed' && e.clientId === id)).toBe(true));
    const removals = events.filter((e) => e.type === 'session:removed' && e.clientId === id);
    expect(removals).toEqual([{ type: 'session:removed', clientId: id, reason: 'pruned' }]);
    expect(nodes.filter((n) => n.events.some((e) => e.type === 'session:removed')).length).toBe(1);
    for (const node of nodes) {
      const again = connectMessage(id);
      const reply = replyTo(await bayeux(node.url, [again]), again.id);
      expect(reply.error).toBe('402::session_unknown');
    }
    await eventually(() => expect(a.kuiper.stats()).toMatchObject({ clients: 0, subscriptions: 0 }));
  });

  it('[REDIS-4][SESS-3] a connect held on one node keeps the session alive while other nodes sweep', async () => {
    const { nodes, events } = await startCluster(cleanup, 2, { maxInterval: 200, sweepIntervalMs: 20, timeout: 1200 });
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const id = await rawHandshake(b.url);
    await bayeux(b.url, [immediateConnect(id)]);
    // Held on A for 1.2 s, six times maxInterval: B sweeps meanwhile and must leave it alone.
    const held = connectMessage(id);
    const reply = replyTo(await bayeux(a.url, [held]), held.id);
    expect(reply.successful).toBe(true);
    expect(events.some((e) => e.type === 'session:removed')).toBe(false);
    await eventually(() => expect(events).toContainEqual({ type: 'session:removed', clientId: id, reason: 'pruned' }));
  });
});
