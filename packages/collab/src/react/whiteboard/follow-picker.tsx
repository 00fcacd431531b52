/**
 * The follow control (BOARD-15): a select of the others on the board by name, and while following,
 * "Following Ada" in her colour with a Stop button. A select, not a menu of avatars: it is one
 * keyboard-reachable control with an accessible name, and the page's own avatars can call `follow`.
 */
import type { ReactElement } from 'react';
import type { Peer } from '../../whiteboard/board-presence.js';
import { WB } from './styles.js';

export function FollowPicker({ peers, following, onFollow }: { peers: readonly Peer[]; following: Peer | null; onFollow(connection: string | null): void }): ReactElement {
  return (
    <div className={`${WB}-follow`}>
      <select className={`${WB}-select`} aria-label="Follow" value={following?.connection ?? ''} disabled={peers.length === 0 && !following}
        onChange={(e) => onFollow(e.target.value === '' ? null : e.target.value)}>
        <option value="">{peers.length === 0 ? 'Nobody to follow' : 'Follow…'}</option>
        {peers.map((p) => (
          <option key={p.connection} value={p.connection}>{p.name}</option>
        ))}
      </select>
      {following && (
        <span className={`${WB}-following`} style={{ borderColor: following.color }} aria-live="polite">
          <span style={{ color: following.color }}>●</span> Following {following.name}
          <button type="button" className={`${WB}-button`} onClick={() => onFollow(null)}>Stop</button>
        </span>
      )}
    </div>
  );
}
