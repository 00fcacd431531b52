import { describe, expect, it } from 'vitest';
import { isValidChannelName, matchingPatterns, patternMatches } from '@kuiper/protocol';

describe('channel grammar', () => {
  it('[CHAN-1] accepts channels and trailing wildcards', () => {
    for (const ok of ['/a', '/a/b', '/a/*', '/a/**', '/**', '/*', '/chat/room-1', '/a/b.c', '/__proto__']) {
      expect(isValidChannelName(ok), ok).toBe(true);
    }
  });

  it('[CHAN-1] rejects misplaced wildcards, empty segments and non-strings', () => {
    for (const bad of ['/a/*/b', '/**/x', '/a//b', 'a/b', '/a/b*', '/', '', '/a/', '/a b', '/***', 42, null]) {
      expect(isValidChannelName(bad), String(bad)).toBe(false);
    }
  });

  it('[CHAN-2] * matches one segment, ** one or more', () => {
    expect(patternMatches('/a/*', '/a/b')).toBe(true);
    expect(patternMatches('/a/*', '/a/b/c')).toBe(false);
    expect(patternMatches('/a/*', '/a')).toBe(false);
    expect(patternMatches('/a/**', '/a/b/c')).toBe(true);
    expect(patternMatches('/a/**', '/a')).toBe(false);
    expect(patternMatches('/a/**', '/ab/c')).toBe(false);
    expect(patternMatches('/**', '/x/y/z')).toBe(true);
    expect(patternMatches('/a/b', '/a/b')).toBe(true);
  });

  it('[CHAN-3] expansion lists exactly the patterns that match', () => {
    expect(matchingPatterns('/a/b/c')).toEqual(['/a/b/c', '/a/b/*', '/a/b/**', '/a/**', '/**']);
    expect(matchingPatterns('/a')).toEqual(['/a', '/*', '/**']);
    for (const p of matchingPatterns('/x/y/z')) expect(patternMatches(p, '/x/y/z')).toBe(true);
  });
});
