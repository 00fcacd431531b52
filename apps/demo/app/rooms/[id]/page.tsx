import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { isValidRoomId } from '@kuiper/collab';
import { RoomView } from '../../../components/room-view';

/** The tab's title before the page's script runs; RoomTitle adds the unread count (DEMO-15). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: isValidRoomId(id) ? `${id} · Kuiper demo` : 'Kuiper demo' };
}

/** [DEMO-1] `/rooms/<id>`: any valid id is a room; visiting it creates it. */
export default async function RoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isValidRoomId(id)) notFound();
  return (
    <Suspense>
      <RoomView roomId={id} />
    </Suspense>
  );
}
