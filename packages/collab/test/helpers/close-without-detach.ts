// A server script that ends as a careless one would: it opens a room's document from the server,
// then closes Kuiper without `collab.detach()` or closing the handle. The process must still exit by
// itself (SEC-10: the server's in-process sessions stop), and an open after the close is refused.
import { createKuiperServer } from '@kuiper/server';
import { MemoryStore } from '@kuiper/collab';
import { attachCollab } from '@kuiper/collab/server';

const kuiper = createKuiperServer();
const collab = attachCollab(kuiper, { store: new MemoryStore() });
await kuiper.listen({ port: 0, host: '127.0.0.1' });
const notes = await collab.openDocument('notes');
await notes.change((doc) => doc.getText('body').insert(0, 'kept'));
await kuiper.close();
const late = await collab.openDocument('later').then(
  () => 'opened',
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
console.log(`late open: ${late}`);
