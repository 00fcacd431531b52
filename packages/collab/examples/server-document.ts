// The server's own code in a room: a backend job writes release notes into a document its members
// may only read, and later reads them back from a room nobody is in.
import * as Y from 'yjs';
import { createKuiperServer } from '@kuiper/server';
import { createClient } from '@kuiper/client';
import { enterRoom, MemoryStore } from '@kuiper/collab';
import { attachCollab } from '@kuiper/collab/server';

/** Resolves once `check` holds, re-checked on every update of `doc`. */
const until = (doc: Y.Doc, check: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const test = (): void => void (check() && (doc.off('update', test), resolve()));
    doc.on('update', test);
    test();
  });

export async function serverWritesNotes(): Promise<{ adaReads: string; othersAdaSees: number; serverReads: string }> {
  const kuiper = createKuiperServer({ path: '/bayeux' });
  // Members may only read; the server's own session is not asked (it always may write).
  const collab = attachCollab(kuiper, { store: new MemoryStore(), authorize: () => ({ canWrite: false }) });
  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
  const client = createClient(url, { ack: false });
  const ada = enterRoom(client, 'release-notes', { presence: { name: 'Ada' } });
  await ada.synced;

  const notes = await collab.openDocument('release-notes'); // a hidden member: in no presence list
  await notes.change((doc) => doc.getText('body').insert(0, 'v2.1: faster sync\n')); // stored, then sent
  await until(ada.doc, () => ada.doc.getText('body').length > 0);
  const adaReads = ada.doc.getText('body').toString();
  const othersAdaSees = ada.presence.others().length;
  await notes.close();
  ada.leave();
  await client.disconnect();

  // Later, with nobody in the room: it is loaded from the store while the server holds it.
  const later = await collab.openDocument('release-notes');
  const serverReads = later.doc.getText('body').toString();
  await later.close();

  await collab.detach(); // leaves every room the server still holds, then unhooks
  await kuiper.close();
  return { adaReads, othersAdaSees, serverReads };
}
