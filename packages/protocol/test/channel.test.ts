import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_CHANNEL_LENGTH,
  channelKind,
  channelNameProblem,
  isValidChannelName,
  isWildcard,
  matchingPatterns,
  parentChannel,
  patternMatches,
} from '@kuiper/protocol';

const VALID = [
  '/a',
  '/a/b',
  '/chat/room-1',
  '/a/b.c',
  '/a:b/c@d',
  '/ü/ñ/中',
  '/__proto__',
  '/meta/connect',
  '/service/echo',
  '/a/*',
  '/a/**',
  '/*',
  '/**',
  `/${'x'.repeat(MAX_CHANNEL_LENGTH - 1)}`,
];

// Each invalid name with the words channelNameProblem explains it in.
const INVALID: Array<[unknown, string]> = [
  ['/a b', 'no spaces or control characters'],
  ['/a\tb', 'no spaces or control characters'],
  ['/a\nb', 'no spaces or control characters'],
  ['/a\u007fb', 'no spaces or control characters'],
  ['/a/ ', 'no spaces or control characters'],
  ['', 'starts with "/"'],
  ['a/b', 'starts with "/"'],
  ['/', 'at least one segment'],
  [`/${'x'.repeat(MAX_CHANNEL_LENGTH)}`, `at most ${MAX_CHANNEL_LENGTH} characters`],
  ['/a/', 'no empty segments'],
  ['/a//b', 'no empty segments'],
  ['/a/*/b', '"*" may only be the last segment'],
  ['/**/x', '"**" may only be the last segment'],
  ['/a/**/', '"**" may only be the last segment'],
  ['/a/b*', 'never part of one'],
  ['/***', 'never part of one'],
  [42, 'is a string'],
  [null, 'is a string'],
  [undefined, 'is a string'],
];

describe('channel grammar', () => {
  it('[PROTO-10] [PROTO-11] accepts names of printable segments, with * or ** only as the last one', () => {
    for (const name of VALID) {
      expect(isValidChannelName(name), name).toBe(true);
      expect(channelNameProblem(name), name).toBeUndefined();
    }
  });

  it('[PROTO-10] [PROTO-11] [PROTO-12] refuses everything else, saying why', () => {
    for (const [name, why] of INVALID) {
      expect(isValidChannelName(name), JSON.stringify(name)).toBe(false);
      expect(channelNameProblem(name), JSON.stringify(name)).toContain(why);
    }
  });

  it('[PROTO-11] a name ending in /* or /** is a pattern; any other is concrete', () => {
    expect(['/a/*', '/a/**', '/*', '/**'].every(isWildcard)).toBe(true);
    expect(['/a', '/a/b', '/a.*x'].some(isWildcard)).toBe(false);
  });

  it('[PROTO-13] /meta and /meta/** are meta, /service and /service/** service, the rest broadcast', () => {
    expect(['/meta', '/meta/connect', '/meta/x/y'].map(channelKind)).toEqual(['meta', 'meta', 'meta']);
    expect(['/service', '/service/echo'].map(channelKind)).toEqual(['service', 'service']);
    expect(['/metadata', '/services', '/a/meta', '/**'].map(channelKind)).toEqual(['broadcast', 'broadcast', 'broadcast', 'broadcast']);
  });
});

describe('matcher', () => {
  const TABLE: Array<[string, string, boolean]> = [
    ['/a/*', '/a/b', true],
    ['/a/*', '/a/b/c', false],
    ['/a/*', '/a', false],
    ['/a/**', '/a/b', true],
    ['/a/**', '/a/b/c', true],
    ['/a/**', '/a', false],
    ['/a/**', '/ab/c', false],
    ['/a/*', '/ab', false],
    ['/*', '/a', true],
    ['/*', '/a/b', false],
    ['/**', '/x/y/z', true],
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', false],
    ['/a/*/b', '/a/x/b', false],
  ];

  it('[PROTO-15] * matches exactly one more segment, ** one or more, a concrete name only itself', () => {
    for (const [pattern, channel, expected] of TABLE) expect(patternMatches(pattern, channel), `${pattern} ~ ${channel}`).toBe(expected);
  });

  it('[PROTO-14] a concrete channel expands into exactly the patterns that match it', () => {
    expect(matchingPatterns('/a/b/c')).toEqual(['/a/b/c', '/a/b/*', '/a/b/**', '/a/**', '/**']);
    expect(matchingPatterns('/a')).toEqual(['/a', '/*', '/**']);
  });

  it('[PROTO-14] [PROTO-15] expansion and matching agree on every channel and pattern', () => {
    const segment = fc.constantFrom('a', 'b', 'c');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
    const pattern = fc.tuple(fc.array(segment, { maxLength: 3 }), fc.constantFrom('', '*', '**')).map(([s, wild]) => {
      const parts = wild === '' && s.length === 0 ? ['a'] : wild === '' ? s : [...s, wild];
      return `/${parts.join('/')}`;
    });
    fc.assert(
      fc.property(pattern, path, (p, c) => {
        expect(isValidChannelName(p)).toBe(true);
        expect(patternMatches(p, c)).toBe(matchingPatterns(c).includes(p));
      }),
      { numRuns: 2000 },
    );
  });

  it('[PROTO-16] the parent chain of /a/b/c is /a/b, /a, then none', () => {
    expect(parentChannel('/a/b/c')).toBe('/a/b');
    expect(parentChannel('/a/b')).toBe('/a');
    expect(parentChannel('/a')).toBeUndefined();
  });
});
