/**
 * The follow control (BOARD-15): a select of the others on the board by name, and while following,
 * "Following Ada" in her colour with a Stop button. A select, not a menu of avatars: it is one
 * keyboard-reachable control with an accessible name, and the page's own avatars can call `follow`.
 * The one followed is told so ("Ada is following you"): what they do is now shown to someone.
 */
import type { ReactElement } from 'react';
import type { Peer } from '../../whiteboard/board-presence.js';
import { WB } from './styles.js';

/** "Ada is following you", "Ada and Bob are…", "3 people are…". */
export function followersLine(followers: readonly Peer[]): string {
  const [a, b] = followers;
  if (!a) return '';
  if (!b) return `${a.name} is following you`;
  return followers.length === 2 ? `${a.name} and ${b.name} are following you` : `${followers.length} people are following you`;
}

export interface FollowPickerProps {
  peers: readonly Peer[];
  following: Peer | null;
  followers: readonly Peer[];
  onFollow(connection: string | null): void;
  /** [BOARD-36] Whether this member asks everyone to follow them; without `onSpotlight` (a viewer) no button. */
  spotlit?: boolean;
  onSpotlight?(on: boolean): void;
}

export function FollowPicker({ peers, following, followers, onFollow, spotlit = false, onSpotlight }: FollowPickerProps): ReactElement {
  return (
    <div className={`${WB}-follow`}>
      {onSpotlight && (
        <button type="button" className={`${WB}-button ${WB}-spotlight`} aria-pressed={spotlit} title={spotlit ? 'Stop asking everyone to follow you' : 'Ask everyone to follow you'}
          onClick={() => onSpotlight(!spotlit)}>
          Spotlight me
        </button>
      )}
      <select className={`${WB}-select`} aria-label="Follow" value={following?.connection ?? ''} disabled={peers.length === 0 && !following}
        onChange={(e) => onFollow(e.target.value === '' ? null : e.target.value)}>
        <option value="">{peers.length === 0 ? 'Nobody to follow' : 'Follow…'}</option>
        {peers.map((p) => (
          <option key={p.connection} value={p.connection}>{p.name}</option>
        ))}
      </select>
      {followers.length > 0 && <span className={`${WB}-followers`} aria-live="polite">{followersLine(followers)}</span>}
      {following && (
        <span className={`${WB}-following`} style={{ borderColor: following.color }} aria-live="polite">
          <span style={{ color: following.color }}>●</span> Following {following.name}
          <button type="button" className={`${WB}-button`} onClick={() => onFollow(null)}>Stop</button>
        </span>
      )}
    </div>
  );
}
