// The README's whiteboard example (examples/whiteboard.ts) runs, and the README shows it verbatim.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedWhiteboard } from '../../examples/whiteboard.js';

describe('README whiteboard example', () => {
  it('examples/whiteboard.ts is shown verbatim in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../../examples/whiteboard.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('[BOARD-8] [BOARD-6] over a real server, Ada undoes her drag of a shape Bob recoloured: his colour stays', async () => {
    const { afterAdaUndo, bobCanUndo } = await sharedWhiteboard();
    expect(afterAdaUndo).toEqual({ x: 10, y: 10, color: '#2f9e44' });
    expect(bobCanUndo).toBe(true); // his recolour is his to undo
  });
});
