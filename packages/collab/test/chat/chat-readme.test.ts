// The README's chat example (examples/chat.ts) runs, and the README shows that very file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatRoom } from '../../examples/chat.js';

describe('README chat example', () => {
  it('examples/chat.ts is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(readFileSync(new URL('../../examples/chat.ts', import.meta.url), 'utf8').trim());
  });

  it('[CHAT-2] [CHAT-7] [CHAT-9] [CHAT-15] two users chat over a real server: serials, session authors, moderation, an edit, unread, a reaction', async () => {
    const { bobSees, first, refused, unread, reactions } = await chatRoom();
    expect(first).toMatchObject({ serial: 1, author: { id: 'ada', name: 'Ada' }, text: 'hello, d**n it' });
    expect(refused).toBe('rejected: no spam here');
    expect(bobSees).toEqual(['1 Ada: hello, d**n it', '2 Bob: hi Ada, welcome']);
    expect(unread).toBe(1);
    expect(reactions).toEqual(['👋 Ada']);
  });
});
