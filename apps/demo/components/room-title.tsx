'use client';
/**
 * The tab's title: the room, with the unread chat messages in front ("(2) planning · Kuiper demo"),
 * so a tab in the background says when someone wrote (DEMO-15). The count is the chat's own
 * unread count (CHAT read positions): what the "New messages" marker in the log counts too.
 */
import { useEffect } from 'react';
import { useChat } from '@kuiper/collab/react';

export function roomTitle(roomId: string, unread: number): string {
  return `${unread > 0 ? `(${unread > 99 ? '99+' : unread}) ` : ''}${roomId} · Kuiper demo`;
}

export function RoomTitle({ roomId }: { roomId: string }): null {
  const { unreadCount } = useChat();
  useEffect(() => {
    document.title = roomTitle(roomId, unreadCount);
  }, [roomId, unreadCount]);
  return null;
}
