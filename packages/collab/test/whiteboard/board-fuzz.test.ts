// [BOARD-9] Seeded whiteboard fuzzing on the deterministic network: shape adds, drags, recolours,
// deletes, reorders, [BOARD-41] rotations, undo and redo by several members under random delivery orders, drops and
// rejoins; every member's board ends equal to the server's, and no undo removes another's shape.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { runBoardScenario, type BoardOp } from './board-scenario.js';

const m = fc.integer({ min: 0, max: 2 });
const pick = fc.nat({ max: 50 });
const coord = fc.integer({ min: -500, max: 500 });
const op: fc.Arbitrary<BoardOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('add' as const), m, kind: fc.constantFrom('rect' as const, 'ellipse' as const, 'pen' as const, 'text' as const), x: coord, y: coord }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('drag' as const), m, pick, moves: fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 })), { minLength: 1, maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('recolor' as const), m, pick, color: fc.constantFrom('#e03131', '#1971c2', '#2f9e44') }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delete' as const), m, pick }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('front' as const), m, pick }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('rotate' as const), m, pick, degrees: fc.constantFrom(15, 90, -45, 180) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constantFrom('undo' as const, 'redo' as const), m }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('disconnect' as const, 'connect' as const), m }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('deliver' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
);

describe('whiteboard fuzz', () => {
  it('[BOARD-9] [BOARD-8] random shape edits with undo/redo converge: every member sees the server\'s board', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({
        members: fc.integer({ min: 2, max: 3 }),
        // Fixed Yjs client ids: they decide concurrent conflicts, so a counterexample replays exactly.
        clientIds: fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: 3, maxLength: 3 }),
        ops: fc.array(op, { minLength: 15, maxLength: 60 }),
      }), (s) => runBoardScenario(s)),
      { numRuns: 100, seed: Number(process.env.BOARD_FUZZ_SEED ?? 20261202) },
    );
  });

  it('[BOARD-9] regression shape: an undo racing a remote drag of the same shape still converges', async () => {
    await runBoardScenario({
      members: 2,
      ops: [
        { k: 'add', m: 0, kind: 'rect', x: 0, y: 0 },
        { k: 'deliver', picks: [0, 0, 0, 0, 0, 0] },
        { k: 'drag', m: 0, pick: 0, moves: [[5, 5], [5, 5]] },
        { k: 'drag', m: 1, pick: 0, moves: [[-3, 0]] },
        { k: 'undo', m: 0 },
        { k: 'deliver', picks: [1, 0, 1, 0] },
        { k: 'undo', m: 1 },
        { k: 'redo', m: 0 },
      ],
    });
  });

  it('[BOARD-8] regression: undo right after another member\'s shape arrives leaves it (caught when remote origins were tracked)', async () => {
    await runBoardScenario({
      members: 2,
      ops: [
        { k: 'add', m: 0, kind: 'rect', x: 0, y: 0 },
        { k: 'deliver', picks: [0, 0, 0, 0, 0, 0, 0, 0] },
        { k: 'undo', m: 1 },
        { k: 'redo', m: 1 },
      ],
    });
  });

  it('[BOARD-8] regression: undoing my move that won a concurrent move of the same shape keeps the shape (its emptied field reads as default)', async () => {
    for (const clientIds of [[1, 2, 3], [3, 2, 1]]) {
      await runBoardScenario({
        members: 3,
        clientIds,
        ops: [
          { k: 'add', m: 0, kind: 'rect', x: 0, y: 0 },
          { k: 'deliver', picks: Array.from({ length: 60 }, (_, i) => i) },
          { k: 'drag', m: 0, pick: 0, moves: [[0, 1]] },
          { k: 'drag', m: 2, pick: 0, moves: [[0, -1]] }, // concurrent: one of the two y writes wins
          { k: 'deliver', picks: Array.from({ length: 60 }, (_, i) => i) }, // everything arrives everywhere
          { k: 'undo', m: 2 },
          { k: 'undo', m: 0 },
        ],
      });
    }
  });
});
