/**
 * Who a session belongs to. The demo has no login: the page sends the display name it asked for in
 * its handshake (`ext.user = { id, name }`) and the server keeps it in the session's data, where the
 * room's services (chat authors, presence) read it — never from the messages themselves.
 * A real app authenticates here instead: check a cookie or a token in `ext` and refuse the rest.
 */
import type { HandshakeDecision, Message } from '@kuiper/server';

export interface DemoUser {
  readonly id: string;
  readonly name: string;
}

/** What the demo attaches to a session: its user, or none for pages that only watch (the inspector). */
export interface DemoSessionData {
  readonly user?: DemoUser;
  /** [DEMO-21] Opened through a view-only link: its rooms are read-only to it. */
  readonly viewer?: true;
}

const MAX_NAME = 40;

/** The user a handshake claims, `undefined` when it claims none, or why the claim is refused. */
export function readUser(ext: unknown): DemoUser | undefined | { readonly invalid: string } {
  const user = (ext as { user?: unknown } | undefined)?.user;
  if (user === undefined) return undefined;
  if (typeof user !== 'object' || user === null) return { invalid: 'user_not_an_object' };
  const { id, name } = user as { id?: unknown; name?: unknown };
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return { invalid: 'user_id_invalid' };
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME) return { invalid: 'user_name_invalid' };
  return { id, name: name.trim() };
}

/** The security policy's handshake hook: a refused claim gets `403:<reason>:handshake_denied`. */
export function canHandshake(message: Message): HandshakeDecision {
  const user = readUser(message.ext);
  if (user !== undefined && 'invalid' in user) return user.invalid;
  // [DEMO-21] A view-only link asks for a viewer's session. The demo trusts the ask: it only ever
  // takes rights away. A real app decides it from the token in the link (what the invitee may do).
  const viewer = (message.ext as { viewer?: unknown } | undefined)?.viewer === true;
  const data: DemoSessionData = { ...(user ? { user } : {}), ...(viewer ? { viewer: true as const } : {}) };
  return { data };
}

/** [DEMO-21] The rooms' grant for a session: everyone writes, but a viewer's session only reads. */
export function roomGrant(_room: string, session: { readonly data: unknown }): { canWrite: boolean } {
  return { canWrite: (session.data as DemoSessionData | undefined)?.viewer !== true };
}

/** The display name in a session's data, if it has one. */
export function sessionName(data: unknown): string | undefined {
  return (data as DemoSessionData | undefined)?.user?.name;
}
