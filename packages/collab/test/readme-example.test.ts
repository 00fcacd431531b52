// Runs the README's examples (examples/*.ts) and checks the README shows those very files, so the
// documentation cannot drift from code that works.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { twoEditors } from '../examples/two-editors.js';
import { collabRoom } from '../examples/collab-room.js';

describe('README examples', () => {
  it.each(['two-editors.ts', 'collab-room.ts'])('examples/%s is shown verbatim in the README', (file) => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[COLLAB-4] [COLLAB-19] two editors converge through a room authority and both edits are stored', async () => {
    const { ada, bob, stored } = await twoEditors();
    expect(ada).toBe(bob);
    expect(ada).toContain('Hello from Ada. ');
    expect(ada).toContain('Bob here. ');
    expect(stored).toBe(1); // both edits arrived together: one group commit (COLLAB-19)
  });

  it('[COLLAB-24] [COLLAB-23] over a real server, two users share a document and cursors; a guest reads but is refused writing', async () => {
    const { notes, adaSees, guestRefused } = await collabRoom();
    expect(notes).toBe('Bob was here.');
    expect(adaSees).toEqual([{ name: 'Bob', color: '#2e86e4', cursor: { x: 10, y: 20 } }]);
    expect(guestRefused).toBe('read_only');
  });
});
