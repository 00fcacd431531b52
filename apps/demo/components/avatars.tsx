'use client';
import { isAway, useOthers } from '@kuiper/collab/react';

/**
 * The avatars of everyone in the room, this tab first, from the room's presence. Another person's
 * avatar is a button: pressed, the board follows what they see (the whiteboard's follow mode).
 * Someone away (their page hidden or untouched a while, COLLAB-49) is drawn faded.
 */
export function Avatars({ self, following, onFollow }: { self: { name: string; color: string }; following: string | null; onFollow(connection: string | null): void }) {
  const others = useOthers();
  const people = [
    { key: 'self', name: `${self.name} (you)`, color: self.color, self: true, away: false },
    ...others.map((o) => ({
      key: o.connection,
      name: typeof o.state['name'] === 'string' ? o.state['name'] : 'Guest',
      color: typeof o.state['color'] === 'string' ? o.state['color'] : '#888',
      self: false,
      away: isAway(o.state),
    })),
  ];
  return (
    <ul aria-label="Avatars" className="avatars">
      {people.map((p) => (
        // The initial is drawn by CSS: the item's text is the name alone.
        <li key={p.key} className="avatar" style={{ background: p.color }} data-initial={p.name.slice(0, 1).toUpperCase()} title={p.away ? `${p.name} (away)` : p.name}
          data-away={p.away ? '' : undefined} aria-description={p.away ? 'away' : undefined}>
          {p.self ? (
            <span className="sr-only">{p.name}</span>
          ) : (
            <button type="button" className="avatar-follow" aria-pressed={following === p.key} title={following === p.key ? `Stop following ${p.name}` : `Follow ${p.name}`}
              onClick={() => onFollow(following === p.key ? null : p.key)}>
              <span className="sr-only">{p.name}</span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
