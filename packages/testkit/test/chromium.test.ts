import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, chromiumExecutable } from '../src/chromium.js';

describe('chromiumExecutable', () => {
  it('names the missing executable and how to fix it instead of letting browser tests skip', () => {
    expect(() => chromiumExecutable({ KUIPER_CHROMIUM: '/nonexistent/chromium' })).toThrow(
      /Chromium not found at \/nonexistent\/chromium: the browser tests need it.*KUIPER_CHROMIUM/,
    );
  });

  it('returns an executable that exists, the default unless KUIPER_CHROMIUM says otherwise', () => {
    expect(chromiumExecutable({ KUIPER_CHROMIUM: process.execPath })).toBe(process.execPath);
    // Fails on a machine without Chromium, as the browser tests do.
    expect(chromiumExecutable({})).toBe(DEFAULT_CHROMIUM);
  });
});
