// Seeded generators of hostile Bayeux input for hostile.test.ts. Each case says whether every reply
// to it must be an error ('error') or whether a successful answer is acceptable too ('any').
export type Rand = () => number;

export interface Case {
  kind: string;
  /** The body / frame / `message=` value. */
  body: string;
  expect: 'error' | 'any';
}

export interface Ctx {
  /** Sessions the hostile side really owns (for invalid channels and floods). */
  own: readonly string[];
  /** The good subscribers' clientIds, to forge near misses of. */
  good: readonly string[];
  /** The good channel: hostile input must never reach it. */
  channel: string;
  connectionType: string;
}

const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
let seq = 0;
const id = (): string => `h${++seq}`;

const META = ['/meta/handshake', '/meta/connect', '/meta/subscribe', '/meta/unsubscribe', '/meta/disconnect'];
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];

function forgedId(r: Rand, ctx: Ctx): string {
  const good = pick(r, ctx.good.length > 0 ? ctx.good : ['x']);
  const flip = (s: string) => {
    const i = int(r, s.length);
    return s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
  };
  return pick(r, [
    flip(good),
    good.toUpperCase(),
    good.slice(0, -1),
    `${good} `,
    `${good}\u0000`,
    '',
    'a'.repeat(5000),
    ...PROTO_NAMES,
    Math.random().toString(36).slice(2),
  ]);
}

const INVALID_CHANNELS = ['', '/', '//', '/a//b', 'a/b', '/a/*/b', '/**/x', '/a/b*', '/a\u0000b', '/a b', '/\u007f', `/${'c'.repeat(2000)}`, '/meta/x', '/meta/subscribe/x', '/meta/connect/'];

/** Messages that are valid JSON objects but must each be answered with an error. */
function badMessage(r: Rand, ctx: Ctx): Record<string, unknown> {
  const own = pick(r, ctx.own);
  switch (int(r, 6)) {
    case 0: {
      // A protocol field of the wrong type.
      const base: Record<string, unknown> = { channel: pick(r, [...META, '/hostile/x']), clientId: own, id: id(), data: {} };
      const [field, value] = pick(r, [
        ['channel', pick(r, [42, true, [], {}, null])],
        ['id', pick(r, [{}, [], true, 'i'.repeat(300)])],
        ['clientId', pick(r, [42, {}, [], true])],
        ['subscription', pick(r, [42, [1], {}, [null], true])],
        ['connectionType', pick(r, [1, [], {}])],
        ['supportedConnectionTypes', pick(r, ['long-polling', [1], {}, 5])],
        ['ext', pick(r, [[], 'x', 5, true])],
        ['advice', pick(r, ['x', [], 3, true])],
      ] as Array<[string, unknown]>);
      base[field] = value;
      return base;
    }
    case 1:
      // Unknown or forged clientIds, including publishes aimed at the good channel.
      return {
        channel: pick(r, [...META.slice(1), ctx.channel, '/hostile/x', '/service/x']),
        clientId: forgedId(r, ctx),
        connectionType: ctx.connectionType,
        subscription: pick(r, [ctx.channel, '/**']),
        advice: { timeout: 0 },
        data: { n: -1, forged: true },
        id: id(),
      };
    case 2: {
      // Invalid channels, to publish on or subscribe to, from a real session.
      const channel = pick(r, INVALID_CHANNELS);
      return r() < 0.5
        ? { channel, clientId: own, data: { n: -2 }, id: id() }
        : { channel: '/meta/subscribe', clientId: own, subscription: pick(r, [channel, [ctx.channel, channel], '/meta/**', []]), id: id() };
    }
    case 3:
      // Publishing where one cannot: wildcards, no data, a missing clientId, an unknown service.
      return pick(r, [
        { channel: '/hostile/*', clientId: own, data: {}, id: id() },
        { channel: '/hostile/**', clientId: own, data: {}, id: id() },
        { channel: '/hostile/nodata', clientId: own, id: id() },
        { channel: ctx.channel, data: { n: -3 }, id: id() },
        { channel: '/service/nobody', clientId: own, data: {}, id: id() },
        { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: [], id: id() },
        { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['carrier-pigeon'], id: id() },
        { channel: '/meta/handshake', version: '1.0', id: id() },
      ]);
    case 4:
      // Prototype names as clientIds and suffixes.
      return {
        channel: pick(r, [...META.slice(1).map((m) => `${m}/${pick(r, PROTO_NAMES)}`), ...META.slice(1)]),
        clientId: pick(r, PROTO_NAMES),
        subscription: `/${pick(r, PROTO_NAMES)}`,
        connectionType: ctx.connectionType,
        id: id(),
      };
    default:
      // A meta channel with a suffix (META-1).
      return { channel: `${pick(r, META)}/${pick(r, ['x', '*', '**', 'a/b'])}`, clientId: own, subscription: ctx.channel, id: id() };
  }
}

/** Valid-looking messages full of `__proto__` keys: may succeed, must not pollute anything. */
function protoKeys(r: Rand, ctx: Ctx): string {
  const own = pick(r, ctx.own);
  return pick(r, [
    `{"__proto__":{"channel":"/meta/handshake","supportedConnectionTypes":["${ctx.connectionType}"]},"id":"${id()}"}`,
    `[{"channel":"/hostile/${pick(r, PROTO_NAMES)}","clientId":"${own}","id":"${id()}","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}]`,
    `[{"channel":"/meta/subscribe","clientId":"${own}","id":"${id()}","subscription":"/${pick(r, PROTO_NAMES)}/**","__proto__":{"subscription":"${ctx.channel}"}}]`,
    `[{"channel":"/meta/connect","clientId":"${own}","connectionType":"${ctx.connectionType}","id":"${id()}","advice":{"__proto__":{"timeout":0},"timeout":0},"ext":{"__proto__":{"ack":true},"ack":"${pick(r, PROTO_NAMES)}"}}]`,
    `[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["${ctx.connectionType}"],"id":"${id()}","ext":{"__proto__":{"ack":true},"timesync":{"__proto__":{"tc":1}}}}]`,
  ]);
}

/** Bodies that are not Bayeux at all. */
function malformed(r: Rand, ctx: Ctx): string {
  const valid = JSON.stringify([{ channel: '/meta/connect', clientId: pick(r, ctx.own), connectionType: ctx.connectionType, id: id() }]);
  return pick(r, [
    valid.slice(0, 1 + int(r, valid.length - 2)),
    Array.from({ length: 1 + int(r, 64) }, () => String.fromCharCode(32 + int(r, 95))).join(''),
    '',
    '[]',
    'null',
    '42',
    '"string"',
    '[1]',
    '[null]',
    '[[]]',
    '{',
    '\ufeff[{"channel":"/meta/handshake"}]',
    `[${'{"channel":"/x"},'.repeat(1001)}{"channel":"/x"}]`,
    '{"channel":}',
    '[{"channel":"/meta/connect"},]',
  ]);
}

export function deep(depth: number, own: string): string[] {
  return [
    '['.repeat(depth),
    '{"a":'.repeat(Math.floor(depth / 2)),
    '['.repeat(depth) + ']'.repeat(depth),
    `[{"channel":"/hostile/deep","clientId":"${own}","id":"${id()}","data":${'['.repeat(depth)}${']'.repeat(depth)}}]`,
    `[{"channel":"/meta/connect","clientId":"${own}","id":"${id()}","connectionType":"long-polling","advice":${'{"a":'.repeat(depth / 2)}1${'}'.repeat(depth / 2)}}]`,
  ];
}

/** One seeded hostile case. */
export function hostileCase(r: Rand, ctx: Ctx): Case {
  const roll = r();
  if (roll < 0.45) {
    const batch = Array.from({ length: 1 + int(r, 3) }, () => badMessage(r, ctx));
    return { kind: 'bad-message', body: JSON.stringify(r() < 0.2 ? batch[0] : batch), expect: 'error' };
  }
  if (roll < 0.6) return { kind: 'proto-keys', body: protoKeys(r, ctx), expect: 'any' };
  return { kind: 'malformed', body: malformed(r, ctx), expect: 'error' };
}

/** A valid but abusive case for floods: many sessions, many publishes. */
export function floodCase(r: Rand, ctx: Ctx): Case {
  return r() < 0.5
    ? { kind: 'flood-handshake', body: JSON.stringify([{ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: [ctx.connectionType], id: id() }]), expect: 'any' }
    : { kind: 'flood-publish', body: JSON.stringify([{ channel: `/hostile/flood/${int(r, 50)}`, clientId: pick(r, ctx.own), data: { x: r() }, id: id() }]), expect: 'any' };
}
