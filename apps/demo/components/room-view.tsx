'use client';
/**
 * A room: the connection's status and transport, a transport select, the avatars of who is here,
 * and the room's shared whiteboard and chat side by side. The room exists as soon as someone visits
 * it (the server loads it from its store on the first member).
 */
import { useEffect, useState } from 'react';
import { useSearchParams } from 'next/navigation';
import { Chat, RoomProvider, useAway, useRoom, Whiteboard } from '@kuiper/collab/react';
import { Avatars } from './avatars';
import { ConnectionBanner } from './connection-banner';
import { ConnectionStatus } from './connection-status';
import { DemoKuiper } from './demo-kuiper';
import { HistoryButton } from './history-button';
import { InviteButton } from './invite-button';
import { NameForm } from './name-form';
import { Notes } from './notes';
import { RoomTitle } from './room-title';
import { SaveState } from './save-state';
import { TransportSelect } from './transport-select';
import { asTransport, type TransportName } from './transports';
import { preferredColor } from './room-colors';
import { rememberRoom } from './recent-rooms';
import { useIdentity, type Identity } from './use-identity';
import { useRoomColor } from './use-room-color';

export function RoomView({ roomId }: { roomId: string }) {
  const { identity, loaded, setName } = useIdentity();
  const params = useSearchParams();
  const transport = asTransport(params.get('transport'));
  const viewer = params.get('view') === '1'; // [DEMO-21] a view-only link
  const [since] = useState(() => Date.now()); // when this page entered: who keeps a colour both want
  useEffect(() => rememberRoom(localStorage, roomId, viewer), [roomId, viewer]); // [DEMO-28] for the lobby
  if (!loaded) return null;
  if (!identity) return <NameForm onName={setName} />;
  const color = preferredColor(identity.id);
  return (
    <DemoKuiper identity={identity} viewer={viewer} {...(transport ? { transport } : {})}>
      {/* [DEMO-23] Pictures go to the server's /kuiper-assets (server/kuiper-setup.ts), not into the document. */}
      <RoomProvider room={roomId} initialPresence={{ name: identity.name, userId: identity.id, since, color }} options={ROOM_OPTIONS}>
        <RoomContent roomId={roomId} identity={identity} since={since} preferred={color} transport={transport} viewer={viewer} />
      </RoomProvider>
    </DemoKuiper>
  );
}

// [DEMO-24] And the room's versions are listed, saved and read at /kuiper-versions.
const ROOM_OPTIONS = { assetsUrl: '/kuiper-assets', versionsUrl: '/kuiper-versions' } as const;

/** Board (or notes) and chat fill the window below the header, side by side; the board's tabs take 2rem. */
const PANEL = { height: 'calc(100vh - 11rem)', minHeight: '24rem' } as const;
const CHAT_PANEL = { height: 'calc(100vh - 9rem)', minHeight: '26rem' } as const;

function RoomContent({ roomId, identity, since, preferred, transport, viewer }: { roomId: string; identity: Identity; since: number; preferred: string; transport: TransportName | undefined; viewer: boolean }) {
  const room = useRoom();
  useAway(); // [COLLAB-49] the others see this page greyed once it has been hidden 30 s, or untouched 5 minutes
  const color = useRoomColor({ userId: identity.id, since, color: preferred });
  const [following, setFollowing] = useState<string | null>(null); // a connection: the board follows it
  const [pane, setPane] = useState<'board' | 'notes'>('board'); // [DEMO-22] the board or the notes, beside the chat
  return (
    <div className="room">
      {room && <RoomTitle roomId={roomId} />}
      <header className="room-bar">
        <h1>Room {roomId}</h1>
        {viewer && <p className="view-only">View only</p>}
        <ConnectionStatus />
        {room && !viewer && <SaveState /> /* a viewer saves nothing */}
        <TransportSelect value={transport} />
        <Avatars self={{ name: identity.name, color }} following={following} onFollow={setFollowing} />
        {!viewer && <InviteButton roomId={roomId} />}
        <InviteButton roomId={roomId} view />
      </header>
      <ConnectionBanner />
      {room && (
        <div className="workspace">
          <div className="pane">
            <div className="pane-bar">
              <div className="pane-tabs" role="tablist" aria-label="Board or notes">
                {(['board', 'notes'] as const).map((id) => (
                  <button key={id} type="button" role="tab" id={`tab-${id}`} aria-selected={pane === id} aria-controls={`pane-${id}`} onClick={() => setPane(id)}>
                    {id === 'board' ? 'Board' : 'Notes'}
                  </button>
                ))}
              </div>
              {/* [DEMO-24] Versions hold the board and the notes: the whole room's document. */}
              <HistoryButton readOnly={viewer} />
            </div>
            <div role="tabpanel" id={`pane-${pane}`} aria-labelledby={`tab-${pane}`}>
              {pane === 'board'
                ? <Whiteboard room={room} name={identity.name} color={color} follow={following} onFollow={setFollowing} readOnly={viewer} style={PANEL} />
                : <Notes name={identity.name} color={color} readOnly={viewer} style={PANEL} />}
            </div>
          </div>
          <Chat room={room} readOnly={viewer} style={CHAT_PANEL} />
        </div>
      )}
    </div>
  );
}
