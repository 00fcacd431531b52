// Runs the README's lobby example (examples/lobby.ts) and checks the README shows that very file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lobbyPage } from '../../examples/lobby.js';

describe('README lobby example', () => {
  it('examples/lobby.ts is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../../examples/lobby.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[LOBBY-5] [LOBBY-3] a lobby page over a real server: rooms by member name and count, the last message, a room hidden from a guest', async () => {
    const { staff, guest, lastMessage } = await lobbyPage();
    expect(staff).toEqual(['staff-only: Sam (1)', 'welcome: Ada, Bob (2)']);
    expect(guest).toEqual(['welcome: Ada, Bob (2)']);
    expect(lastMessage).toBe('Hi all!');
  });
});
