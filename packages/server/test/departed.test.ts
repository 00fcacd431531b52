// Departed: the one-object replacement for an AbortController that transports hand to holds.
import { describe, expect, it } from 'vitest';
import { Departed } from '../src/core/connector.js';

describe('Departed', () => {
  it('calls each listener still registered once, on the first abort only', () => {
    const gone = new Departed();
    const calls: string[] = [];
    const a = (): void => void calls.push('a');
    const b = (): void => void calls.push('b');
    const c = (): void => void calls.push('c');
    gone.addEventListener('abort', a);
    gone.addEventListener('abort', b);
    gone.addEventListener('abort', c);
    gone.removeEventListener('abort', b);
    expect(gone.aborted).toBe(false);
    gone.abort();
    gone.abort();
    expect(gone.aborted).toBe(true);
    expect(calls).toEqual(['a', 'c']);
  });

  it('never calls a listener added after the abort, and stays aborted', () => {
    const gone = new Departed();
    gone.abort();
    let called = 0;
    gone.addEventListener('abort', () => void called++);
    gone.abort();
    expect(called).toBe(0);
    expect(gone.aborted).toBe(true);
  });

  it('forgets a lone listener that was removed', () => {
    const gone = new Departed();
    let called = 0;
    const listener = (): void => void called++;
    gone.addEventListener('abort', listener);
    gone.removeEventListener('abort', listener);
    gone.abort();
    expect(called).toBe(0);
  });
});

describe('Departed with listener objects', () => {
  it('calls handleEvent on an object listener, as holds register themselves', () => {
    const gone = new Departed();
    const hold = { calls: 0, handleEvent(): void { this.calls++; } };
    gone.addEventListener('abort', hold);
    gone.addEventListener('abort', () => {});
    gone.abort();
    expect(hold.calls).toBe(1);
  });
});
