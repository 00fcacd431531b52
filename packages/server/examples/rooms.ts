// Rooms: a document loaded when a room gets its first member and saved when its last one leaves,
// edits made as the session's user (never as the client claims), and who is in a room.
import { createKuiperServer, type KuiperServerOptions } from '@kuiper/server';

/** Where documents live between visits (a database, in a real app). */
export type DocumentStore = Map<string, string[]>;

export async function startRooms(store: DocumentStore, options: KuiperServerOptions = {}) {
  const kuiper = createKuiperServer({
    path: '/bayeux',
    // Who a session belongs to is decided once, at handshake; hooks and services get it from the server.
    policy: { canHandshake: (m) => (typeof m.ext?.['user'] === 'string' ? { data: { user: m.ext['user'] } } : 'who_are_you') },
    ...options,
  });
  const open = new Map<string, string[]>(); // the documents of occupied rooms
  const room = (channel: string) => channel.split('/')[2] ?? '';

  // The first member's subscribe is answered only once this resolved: the document is there.
  kuiper.onChannelOccupied('/rooms/**', async ({ channel }) => {
    if (channel.endsWith('/doc')) open.set(room(channel), [...(store.get(room(channel)) ?? [])]);
  });
  // The last member left (unsubscribed, disconnected, pruned, on any node): save and unload.
  kuiper.onChannelVacated('/rooms/**', async ({ channel }) => {
    const doc = open.get(room(channel));
    if (!channel.endsWith('/doc') || !doc) return;
    store.set(room(channel), doc);
    open.delete(room(channel));
  });
  // A session ended: say who left. Every node hears it; the one where it happened announces it.
  kuiper.onSessionRemoved(async ({ data, reason, local }) => {
    if (local) await kuiper.publish('/people/left', { user: (data as { user: string }).user, reason });
  });

  kuiper.addService('/service/rooms/edit', async (data, ctx) => {
    const { room: id, text } = data as { room: string; text: string };
    const doc = open.get(id);
    if (!doc) return { error: 'not_open' };
    const line = `${(ctx.session.data as { user: string }).user}: ${text}`;
    doc.push(line);
    await kuiper.publish(`/rooms/${id}/doc`, { line });
    return { ok: true };
  });
  kuiper.addService('/service/rooms/who', async (data) => {
    const members = await kuiper.subscribers(`/rooms/${(data as { room: string }).room}/presence`);
    return members.map((m) => (m.data as { user: string }).user).sort();
  });

  const { url } = await kuiper.listen({ port: 0, host: '127.0.0.1' });
  return { url, open, close: () => kuiper.close() };
}
