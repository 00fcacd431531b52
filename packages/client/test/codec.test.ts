import { describe, expect, it } from 'vitest';
import { channelMatches, decodeMessages, encodeMessages, isValidChannel, isWildcard } from '../src/index.js';

describe('codec', () => {
  it('[CLI-24] decodes an array or a single object, dropping entries that are not messages', () => {
    expect(decodeMessages('[{"channel":"/a","data":1},{"nope":true},3]')).toEqual({ messages: [{ channel: '/a', data: 1 }], dropped: 2 });
    expect(decodeMessages({ channel: '/a' }).messages).toEqual([{ channel: '/a' }]);
    expect(decodeMessages('').messages).toEqual([]);
    expect(() => decodeMessages('not json')).toThrow();
  });

  it('[CLI-24] normalises ids to strings and drops fields of the wrong type', () => {
    const [m] = decodeMessages([{ channel: '/meta/connect', id: 7, successful: 'yes', advice: 3, clientId: 9 }]).messages;
    expect(m).toEqual({ channel: '/meta/connect', id: '7' });
  });

  it('[CLI-24] never changes messages handed in as objects (text it parses is normalised in place)', () => {
    const given = { channel: '/meta/connect', id: 7, successful: 'yes' };
    const [m] = decodeMessages([given]).messages;
    expect(m).toEqual({ channel: '/meta/connect', id: '7' });
    expect(given).toEqual({ channel: '/meta/connect', id: 7, successful: 'yes' });
    expect(decodeMessages('[{"channel":"/a","id":3,"ext":1,"data":{"x":1}}]').messages).toEqual([{ channel: '/a', id: '3', data: { x: 1 } }]);
  });

  it('[CLI-24] encodes a batch as a JSON array', () => {
    expect(encodeMessages([{ channel: '/a', data: { x: 1 } }])).toBe('[{"channel":"/a","data":{"x":1}}]');
  });
});

describe('channel grammar', () => {
  it('[CLI-25] accepts channels and trailing wildcards only', () => {
    for (const ok of ['/a', '/a/b', '/a/*', '/a/**', '/**', '/*', '/service/x']) expect(isValidChannel(ok), ok).toBe(true);
    for (const bad of ['', '/', 'a', '/a/', '/a//b', '/a/*/b', '/**/x', '/a/b*']) expect(isValidChannel(bad), bad).toBe(false);
    expect(isWildcard('/a/*')).toBe(true);
    expect(isWildcard('/a')).toBe(false);
  });

  it('[CLI-25] * matches one more segment, ** one or more', () => {
    expect(channelMatches('/a/*', '/a/b')).toBe(true);
    expect(channelMatches('/a/*', '/a/b/c')).toBe(false);
    expect(channelMatches('/a/*', '/a')).toBe(false);
    expect(channelMatches('/a/**', '/a/b/c')).toBe(true);
    expect(channelMatches('/a/**', '/a')).toBe(false);
    expect(channelMatches('/**', '/x/y')).toBe(true);
    expect(channelMatches('/a/b', '/a/b')).toBe(true);
    expect(channelMatches('/a/b', '/a/c')).toBe(false);
  });
});
