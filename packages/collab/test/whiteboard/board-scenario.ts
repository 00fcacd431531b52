/**
 * Whiteboard scenarios on the seeded deterministic network (test/helpers/network.ts): members with a
 * Board and their own UndoHistory add, drag, recolour, delete and reorder shapes, undo and redo,
 * drop and rejoin, while the test delivers messages in a seeded order. After every undo or redo the
 * member removed no shape it never added or deleted itself; at the end every member's board equals
 * the server's (BOARD-1, BOARD-6…8).
 */
import { expect } from 'vitest';
import * as Y from 'yjs';
import { MemoryStore } from '../../src/index.js';
import { UndoHistory } from '../../src/core/undo-history.js';
import { Board, readBoardShapes } from '../../src/whiteboard/index.js';
import { Network, type Member } from '../helpers/network.js';

export type BoardOp =
  | { k: 'add'; m: number; kind: 'rect' | 'ellipse' | 'pen' | 'text'; x: number; y: number }
  | { k: 'drag'; m: number; pick: number; moves: Array<[number, number]> }
  | { k: 'recolor'; m: number; pick: number; color: string }
  | { k: 'delete'; m: number; pick: number }
  | { k: 'front'; m: number; pick: number }
  | { k: 'rotate'; m: number; pick: number; degrees: number }
  | { k: 'undo' | 'redo'; m: number }
  | { k: 'disconnect' | 'connect'; m: number }
  | { k: 'deliver'; picks: number[] }
  | { k: 'tick'; ms: number };

export interface BoardScenario {
  members: number;
  ops: BoardOp[];
  /** Fixed Yjs client ids (they decide which of two concurrent writes wins); random when absent. */
  clientIds?: number[];
}

interface Player {
  readonly member: Member;
  readonly board: Board;
  readonly history: UndoHistory;
  /** Ids this member added or deleted itself: the only shapes its undo or redo may remove. */
  readonly own: Set<string>;
}

function pickShape(player: Player, pick: number): string | undefined {
  const shapes = player.board.shapes();
  return shapes.length === 0 ? undefined : shapes[pick % shapes.length]!.id;
}

async function apply(net: Network, players: Player[], op: BoardOp): Promise<void> {
  if (op.k === 'deliver') {
    for (const pick of op.picks) await net.step(pick);
    return;
  }
  if (op.k === 'tick') {
    net.clock.advance(op.ms);
    await net.authority.idle();
    return;
  }
  const player = players[op.m % players.length]!;
  const { board } = player;
  switch (op.k) {
    case 'add': {
      const added = board.add({ kind: op.kind, x: op.x, y: op.y, w: 40, h: 30, points: op.kind === 'pen' ? [0, 0, 0.5, 5, 5, 0.5] : [] });
      expect(added.ok).toBe(true);
      if (added.ok) player.own.add(added.value.id);
      return;
    }
    case 'drag': {
      const id = pickShape(player, op.pick);
      if (!id) return;
      const end = board.beginGesture();
      for (const [dx, dy] of op.moves) {
        const shape = board.shape(id);
        if (shape) board.update(id, { x: shape.x + dx, y: shape.y + dy });
      }
      end();
      return;
    }
    case 'recolor': {
      const id = pickShape(player, op.pick);
      if (id) board.update(id, { color: op.color });
      return;
    }
    case 'delete': {
      const id = pickShape(player, op.pick);
      if (id) {
        player.own.add(id);
        board.remove([id]);
      }
      return;
    }
    case 'front': {
      const id = pickShape(player, op.pick);
      if (id) board.bringToFront([id]);
      return;
    }
    case 'rotate': {
      const id = pickShape(player, op.pick);
      if (id) board.rotate([id], op.degrees); // [BOARD-41]
      return;
    }
    case 'undo':
    case 'redo': {
      const before = new Set(board.shapes().map((s) => s.id));
      if (op.k === 'undo') player.history.undo();
      else player.history.redo();
      const removed = [...before].filter((id) => !board.shape(id));
      // [BOARD-8] Undo and redo never remove a shape another member added that this one never deleted.
      expect(removed.filter((id) => !player.own.has(id)), `${player.member.name}'s ${op.k} removed others' shapes`).toEqual([]);
      return;
    }
    case 'disconnect':
      return net.disconnect(player.member);
    case 'connect':
      return net.connect(player.member);
  }
}

export async function runBoardScenario(scenario: BoardScenario): Promise<void> {
  const net = await new Network({ store: new MemoryStore(), throttleMs: 50 }).open();
  const players: Player[] = [];
  for (let i = 0; i < scenario.members; i++) {
    const doc = new Y.Doc();
    const fixed = scenario.clientIds?.[i];
    if (fixed !== undefined) doc.clientID = fixed;
    const member = net.add(`m${i}`, { presence: { name: `m${i}` }, doc });
    const history = new UndoHistory(member.room.doc);
    players.push({ member, history, board: new Board({ doc: member.room.doc, presence: member.presence, history }), own: new Set() });
    net.connect(member);
  }
  for (const op of scenario.ops) await apply(net, players, op);
  for (const p of players) net.connect(p.member);
  for (let round = 0; round < 3; round++) {
    await net.settle();
    net.clock.advance(2000);
    await net.authority.idle();
  }
  await net.settle();
  const truth = readBoardShapes(net.authority.doc);
  for (const p of players) {
    expect(p.board.shapes(), `${p.member.name}'s board equals the server's`).toEqual(truth);
    expect(p.member.errors).toEqual([]);
    p.board.destroy();
    p.history.destroy();
  }
}
