// Two members with boards and their own undo on the deterministic network, for unit tests that
// want a real round trip through the authority without a server.
import { MemoryStore } from '../../src/index.js';
import { UndoHistory } from '../../src/core/undo-history.js';
import { Board } from '../../src/whiteboard/index.js';
import { Network, type Member } from '../helpers/network.js';

export interface Seat {
  readonly member: Member;
  readonly board: Board;
  readonly history: UndoHistory;
}

export async function boardPair(): Promise<{ net: Network; ada: Seat; bob: Seat; settle: () => Promise<void> }> {
  const net = await new Network({ store: new MemoryStore(), throttleMs: 0 }).open();
  const seat = (name: string): Seat => {
    const member = net.add(name, { presence: { name } });
    const history = new UndoHistory(member.room.doc);
    const board = new Board({ doc: member.room.doc, presence: member.presence, history });
    net.connect(member);
    return { member, history, board };
  };
  const ada = seat('ada');
  const bob = seat('bob');
  const settle = async (): Promise<void> => {
    await net.settle();
    net.clock.advance(100);
    await net.settle();
  };
  await settle();
  return { net, ada, bob, settle };
}
