/** The README's example is examples/reply-advice.ts verbatim, and does what the README says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nextStep, route } from '../examples/reply-advice.js';

describe('README example', () => {
  it('[PROTO-32] the README shows examples/reply-advice.ts as it is', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/reply-advice.ts', import.meta.url), 'utf8');
    const block = /<!-- example: examples\/reply-advice\.ts -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });

  it('[PROTO-32] the example reads replies and routes channels as the README says', () => {
    expect(nextStep({ channel: '/meta/handshake', successful: true, clientId: 'c1' })).toBe('session c1');
    expect(nextStep({ channel: '/chat/a', successful: true })).toBe('done');
    expect(nextStep({ channel: '/meta/connect', successful: false, error: '402::session_unknown' })).toBe('handshake again, then resubscribe');
    expect(nextStep({ channel: '/chat/a', successful: false, error: '403:no_token:publish_denied' })).toBe('refused with 403 publish_denied (no_token)');
    expect(nextStep({ channel: '/chat/a', successful: false, error: 'nope' })).toBe('refused: nope');
    expect(route('/chat/a b', ['/chat/*'])).toBe('not sent: a channel name has no spaces or control characters');
    expect(route('/chat/lobby', ['/chat/*', '/chat/**', '/news/*'])).toBe('to /chat/*, /chat/**');
    expect(route('/news', ['/chat/*'])).toBe('to nobody');
  });
});
