'use client';
/**
 * [DEMO-7] The lobby: asks for a display name once, lists the rooms with live activity (who is
 * where, the last message) and opens or creates a room by name (visiting a room creates it).
 */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useLobby } from '@kuiper/collab/react';
import { ConnectionStatus } from './connection-status';
import { DemoKuiper } from './demo-kuiper';
import { NameForm } from './name-form';
import { readRecentRooms, type RecentRoom } from './recent-rooms';
import { useIdentity } from './use-identity';

/** A room id from what someone typed: one channel segment of URL-safe characters. */
export function roomSlug(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_.~-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}

export function Lobby() {
  const { identity, loaded, setName } = useIdentity();
  if (!loaded) return null;
  if (!identity) return <NameForm onName={setName} />;
  return (
    <DemoKuiper identity={identity}>
      <header className="room-bar">
        <h1>Hello, {identity.name}</h1>
        <ConnectionStatus />
      </header>
      <CreateRoom />
      <ActiveRooms />
    </DemoKuiper>
  );
}

function CreateRoom() {
  const router = useRouter();
  const [roomName, setRoomName] = useState('');
  const create = (event: FormEvent) => {
    event.preventDefault();
    const id = roomSlug(roomName) || `room-${crypto.randomUUID().slice(0, 8)}`;
    router.push(`/rooms/${id}`);
  };
  return (
    <form className="card" onSubmit={create}>
      <label>
        Room name <input value={roomName} onChange={(e) => setRoomName(e.target.value)} placeholder="e.g. planning" />
      </label>{' '}
      <button type="submit">Create room</button>
    </form>
  );
}

/** [DEMO-18] How often the lobby's board pictures are fetched again while it is open. */
const PREVIEW_EVERY_MS = 5000;

/** A number that changes every `ms`: what a picture's URL carries so the browser fetches it again. */
function useTick(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return tick;
}

function ActiveRooms() {
  // [REACT-19] The rooms, live, and which have news for this visitor (asked again on focus), or mention them.
  const { rooms, hasNews, mentionsYou, ready } = useLobby();
  const tick = useTick(PREVIEW_EVERY_MS);
  return (
    <>
      <RoomsNow rooms={rooms} hasNews={hasNews} mentionsYou={mentionsYou} tick={tick} />
      {/* Once the live list is known: a room with people in it is listed there, not twice. */}
      {ready && <RecentRooms hide={new Set(rooms.map((r) => r.id))} />}
    </>
  );
}

function RoomsNow({ rooms, hasNews, mentionsYou, tick }: Pick<ReturnType<typeof useLobby>, 'rooms' | 'hasNews' | 'mentionsYou'> & { tick: number }) {
  return (
    <section className="card" aria-labelledby="rooms-heading">
      <h2 id="rooms-heading">Rooms with people in them</h2>
      {rooms.length === 0 && <p>No one is in a room right now. Create one above.</p>}
      <ul role="list" aria-labelledby="rooms-heading" className="rooms">
        {rooms.map((room) => (
          <li key={room.id} aria-label={room.id}>
            {/* Rendered by the server from the room's document (server/board-preview.ts). */}
            <img className="board-preview" src={`/previews/${room.id}.svg?v=${tick}`} alt={`The board of ${room.id}`} width={120} height={75} />
            <div>
              <Link href={`/rooms/${room.id}`}>{room.id}</Link>
              {/* [DEMO-25] A message from someone else since this visitor last read the room's chat. */}
              {hasNews(room) && <span className="news">New messages</span>}
              {/* [DEMO-26] One of them names this visitor as @name (LOBBY-8). */}
              {mentionsYou(room) && <span className="mention">Mentions you</span>} — {room.count} here:{' '}
              <span className="members">{room.members.map((m) => m.name ?? 'Guest').join(', ')}</span>
              {room.lastMessage && (
                <div className="last-message">
                  {/* A message with no text is a picture's (CHAT-14): only then may a message be empty. */}
                  {room.lastMessage.author.name ?? 'someone'}: {room.lastMessage.text === '' ? '(a picture)' : room.lastMessage.text}
                </div>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** [DEMO-28] The rooms this browser visited that nobody is in now, to go back to. */
function RecentRooms({ hide }: { hide: ReadonlySet<string> }) {
  const [recent, setRecent] = useState<RecentRoom[]>([]);
  useEffect(() => setRecent(readRecentRooms(localStorage)), []); // after hydration: the server has no localStorage
  const shown = recent.filter((r) => !hide.has(r.id));
  if (shown.length === 0) return null;
  return (
    <section className="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Your recent rooms</h2>
      <ul role="list" aria-labelledby="recent-heading" className="rooms">
        {shown.map((room) => (
          <li key={room.id} aria-label={room.id}>
            <img className="board-preview" src={`/previews/${room.id}.svg`} alt={`The board of ${room.id}`} width={120} height={75} />
            <div>
              <Link href={`/rooms/${room.id}${room.view ? '?view=1' : ''}`}>{room.id}</Link>
              {room.view && <span className="view-only-tag"> (view only)</span>}
              <div className="last-message">Last visited {new Date(room.at).toLocaleString()}</div>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
