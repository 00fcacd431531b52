import { describe, expect, it } from 'vitest';
import { BAYEUX_VERSION, CONNECTION_TYPES, META, type Message, isTimesyncRequest } from '@kuiper/protocol';

describe('wire constants', () => {
  it('[PROTO-1] the protocol version is 1.0', () => {
    expect(BAYEUX_VERSION).toBe('1.0');
  });

  it('[PROTO-2] the meta channels are the five of Bayeux 1.0', () => {
    expect(Object.values(META)).toEqual(['/meta/handshake', '/meta/connect', '/meta/subscribe', '/meta/unsubscribe', '/meta/disconnect']);
  });

  it('[PROTO-3] the connection types are the names clients advertise, in preference order', () => {
    expect(CONNECTION_TYPES).toEqual(['websocket', 'long-polling', 'callback-polling', 'eventsource', 'forever-frame', 'multipart-mime']);
  });

  it('[PROTO-4] [PROTO-5] a connect reply with advice and an ack batch is a Message as JSON carries it', () => {
    const wire = '{"channel":"/meta/connect","id":"7","successful":true,"advice":{"reconnect":"retry","interval":0,"timeout":30000},"ext":{"ack":3}}';
    const reply = JSON.parse(wire) as Message;
    expect(reply.advice?.reconnect).toBe('retry');
    expect(reply.ext?.['ack']).toBe(3);
    expect(JSON.stringify(reply)).toBe(wire);
  });
});

describe('timesync ext', () => {
  it('[PROTO-6] a request has at least a numeric tc; anything else is not one', () => {
    expect(isTimesyncRequest({ tc: 1700000000000, l: 3, o: -2 })).toBe(true);
    expect(isTimesyncRequest({ tc: 1 })).toBe(true);
    for (const bad of [undefined, null, 5, 'tc', {}, { tc: '1' }, [1]]) expect(isTimesyncRequest(bad), JSON.stringify(bad)).toBe(false);
  });
});
