'use client';
import { useOthers } from '@kuiper/collab/react';

/** The avatars of everyone in the room, this tab first, from the room's presence. */
export function Avatars({ self }: { self: { name: string; color: string } }) {
  const others = useOthers();
  const people = [
    { key: 'self', name: `${self.name} (you)`, color: self.color },
    ...others.map((o) => ({
      key: o.connection,
      name: typeof o.state['name'] === 'string' ? o.state['name'] : 'Guest',
      color: typeof o.state['color'] === 'string' ? o.state['color'] : '#888',
    })),
  ];
  return (
    <ul aria-label="Avatars" className="avatars">
      {people.map((p) => (
        // The initial is drawn by CSS: the item's text is the name alone.
        <li key={p.key} className="avatar" style={{ background: p.color }} data-initial={p.name.slice(0, 1).toUpperCase()} title={p.name}>
          <span className="sr-only">{p.name}</span>
        </li>
      ))}
    </ul>
  );
}
