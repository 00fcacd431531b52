// People in one <Chat> through a real server, for the chat's jsdom tests: each a user named by the
// handshake (the server's session `data.user`, CHAT-2), mounted in a RoomProvider of their own.
import { fireEvent, within, type RenderResult } from '@testing-library/react';
import type { Message } from '@kuiper/client';
import { eventually } from '@kuiper/testkit';
import { Chat, useRoom, type ChatProps } from '../../src/react/index.js';
import { startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

/** A server whose sessions carry the user their handshake names; `authorize` grants per session. */
export function startNamed(authorize?: (room: string, session: { data: unknown }) => { canWrite: boolean }) {
  return startCollab(authorize ? { authorize } : {}, { policy: { canHandshake: (m: Message) => ({ data: { user: (m.ext as { user?: unknown } | undefined)?.user } }) } });
}

/**
 * `name` (user id `u-<name>`) in `room`'s <Chat>, with the chat's own props; `userName` is the name
 * its login gives the server (the chat's author name), when an app sets it apart from presence's.
 */
export function chatter(url: string, room: string, name: string, props: Omit<ChatProps, 'room'> = {}, userName = name): RenderResult {
  function RoomChat() {
    const entered = useRoom();
    return entered ? <Chat room={entered} {...props} /> : <p>entering</p>;
  }
  return mount(url, <RoomChat />, { room, presence: { name }, client: { ext: { user: { id: `u-${name}`, name: userName } } } });
}

export const log = (view: RenderResult) => within(within(view.container).getByRole('log', { name: 'Chat messages' }));

/** Types `text` into the message box once there is one, and sends it with Enter. */
export async function send(view: RenderResult, text: string): Promise<void> {
  const box = await eventually(() => within(view.container).getByRole('textbox', { name: 'Message' }));
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
}
