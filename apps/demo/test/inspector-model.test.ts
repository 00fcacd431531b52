import { describe, expect, it } from 'vitest';
import { InspectorModel } from '../server/inspector-model.js';
import { canHandshake, readUser } from '../server/identity.js';

describe('the inspector model', () => {
  it('[DEMO-6] tracks sessions with their transport and subscriptions, channel counts and a newest-first timeline', () => {
    let now = 1000;
    const model = new InspectorModel(() => now++);
    model.sessionAdded('c1');
    expect(model.sessionSeen('c1', 'websocket', 'Ada')).toBe(true);
    expect(model.sessionSeen('c1', 'websocket', 'Ada')).toBe(false); // nothing new: no publish
    model.channelAdded('/rooms/r1/doc');
    model.subscribed('c1', '/rooms/r1/doc');
    model.sessionAdded('c2');
    model.subscribed('c2', '/rooms/r1/doc');
    expect(model.snapshot().channels).toEqual([{ channel: '/rooms/r1/doc', subscribers: 2 }]);
    expect(model.snapshot().sessions[0]).toEqual({ clientId: 'c1', name: 'Ada', transport: 'websocket', subscriptions: ['/rooms/r1/doc'] });

    // The engine reports each subscription's removal before the session's.
    model.unsubscribed('c2', '/rooms/r1/doc');
    model.sessionRemoved('c2', 'pruned');
    model.unsubscribed('c1', '/rooms/r1/doc');
    model.sessionRemoved('c1', 'disconnect');
    model.channelRemoved('/rooms/r1/doc');
    const { sessions, channels, timeline } = model.snapshot();
    expect(sessions).toEqual([]);
    expect(channels).toEqual([]);
    expect(timeline.map((e) => `${e.kind} ${e.subject}${e.reason ? ` ${e.reason}` : ''}`)).toEqual([
      'channel removed /rooms/r1/doc',
      'session removed c1 disconnect',
      'session removed c2 pruned',
      'session added c2',
      'channel added /rooms/r1/doc',
      'session added c1',
    ]);
  });

  it('[DEMO-6] keeps only the newest entries of a long timeline', () => {
    const model = new InspectorModel(Date.now, 3);
    for (let i = 0; i < 10; i++) model.channelAdded(`/c/${i}`);
    expect(model.snapshot().timeline.map((e) => e.subject)).toEqual(['/c/9', '/c/8', '/c/7']);
  });
});

describe('the demo identity', () => {
  it('[DEMO-9] keeps the name a handshake sends as the session user, and refuses a malformed one with a reason', () => {
    expect(canHandshake({ channel: '/meta/handshake', ext: { user: { id: 'u1', name: ' Ada ' } } })).toEqual({ data: { user: { id: 'u1', name: 'Ada' } } });
    expect(canHandshake({ channel: '/meta/handshake' })).toEqual({ data: {} }); // a watcher, e.g. the inspector
    expect(canHandshake({ channel: '/meta/handshake', ext: { user: 'Ada' } })).toBe('user_not_an_object');
    expect(canHandshake({ channel: '/meta/handshake', ext: { user: { id: 'u 1', name: 'Ada' } } })).toBe('user_id_invalid');
    expect(readUser({ user: { id: 'u1', name: 'x'.repeat(41) } })).toEqual({ invalid: 'user_name_invalid' });
    expect(readUser({ user: { id: 'u1', name: '   ' } })).toEqual({ invalid: 'user_name_invalid' });
  });
});
