// A shared whiteboard model: two members draw on one board; each one's undo takes back only
// their own step, even on a shape the other member edited meanwhile.
import { createKuiperServer } from '@kuiper/server';
import { createClient } from '@kuiper/client';
import { createBoard, enterRoom, MemoryStore, type Board } from '@kuiper/collab';
import { attachCollab } from '@kuiper/collab/server';

/** Resolves once `check` holds, re-checked on every change of `board`'s shapes. */
const until = (board: Board, check: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const test = (): void => void (check() && (off(), resolve()));
    const off = board.subscribe(test);
    test();
  });

export async function sharedWhiteboard(): Promise<{ afterAdaUndo: unknown; bobCanUndo: boolean }> {
  const kuiper = createKuiperServer({ path: '/bayeux' });
  const collab = attachCollab(kuiper, { store: new MemoryStore() });
  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
  const [ada, bob] = [createClient(url), createClient(url)];
  const adaRoom = enterRoom(ada, 'sketch', { presence: { name: 'Ada', color: '#e03131' } });
  const bobRoom = enterRoom(bob, 'sketch', { presence: { name: 'Bob', color: '#1971c2' } });
  await Promise.all([adaRoom.synced, bobRoom.synced]);
  const [adaBoard, bobBoard] = [createBoard(adaRoom), createBoard(bobRoom)];

  const added = adaBoard.add({ kind: 'rect', x: 10, y: 10, w: 120, h: 80 });
  if (!added.ok) throw new Error(added.error.message); // bad input is an error value, not a throw
  const id = added.value.id;
  const end = adaBoard.beginGesture(); // pointer down: the whole drag is one undo step
  for (const x of [20, 40, 60]) adaBoard.update(id, { x });
  end(); // pointer up
  await until(bobBoard, () => bobBoard.shape(id)?.x === 60);
  bobBoard.update(id, { color: '#2f9e44' }); // Bob recolours Ada's shape

  await until(adaBoard, () => adaBoard.shape(id)?.color === '#2f9e44');
  adaRoom.undo(); // Ada's drag goes back; Bob's colour stays
  await until(bobBoard, () => bobBoard.shape(id)?.x === 10);
  const { x, y, color } = bobBoard.shape(id)!;

  const result = { afterAdaUndo: { x, y, color }, bobCanUndo: bobRoom.canUndo() };
  for (const room of [adaRoom, bobRoom]) room.leave();
  await Promise.all([ada.disconnect(), bob.disconnect()]);
  await collab.detach();
  await kuiper.close();
  return result;
}
