// Runs the README's example (examples/two-editors.ts) and checks the README shows that very file,
// so the documentation cannot drift from code that works.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { twoEditors } from '../examples/two-editors.js';

describe('README example: two editors', () => {
  it('is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/two-editors.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[COLLAB-4] [COLLAB-19] two editors converge through a room authority and both edits are stored', async () => {
    const { ada, bob, stored } = await twoEditors();
    expect(ada).toBe(bob);
    expect(ada).toContain('Hello from Ada. ');
    expect(ada).toContain('Bob here. ');
    expect(stored).toBe(1); // both edits arrived together: one group commit (COLLAB-19)
  });
});
