// The README's openDocument example (examples/server-document.ts) runs, and the README shows it verbatim.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverWritesNotes } from '../examples/server-document.js';

describe('README openDocument example', () => {
  it('examples/server-document.ts is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/server-document.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[COLLAB-42] the server writes into a room its members may only read, unseen in presence', async () => {
    const { adaReads, othersAdaSees, serverReads } = await serverWritesNotes();
    expect(adaReads).toBe('v2.1: faster sync\n');
    expect(othersAdaSees).toBe(0);
    expect(serverReads).toBe('v2.1: faster sync\n');
  });
});
