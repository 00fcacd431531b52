/** "Who is here": this member and every other connection in the room, by presence `name`; "(away)" after one that is (COLLAB-49). */
import { useCallback, useId, useSyncExternalStore, type ReactNode } from 'react';
import type { PresenceEntry, PresenceState } from '../../core/presence-state.js';
import { isAway } from '../../client/away.js';
import { CHAT_CLASS } from './chat-styles.js';

const NONE: readonly PresenceEntry[] = [];

export function presenceName(state: Record<string, unknown>, fallback: string): string {
  const name = state['name'];
  return typeof name === 'string' && name.trim() !== '' ? name : fallback;
}

/** The room's other connections, live. */
export function useOthers(presence: PresenceState): readonly PresenceEntry[] {
  const subscribe = useCallback((onChange: () => void) => presence.subscribe(() => onChange()), [presence]);
  return useSyncExternalStore(subscribe, () => presence.others(), () => NONE);
}

export function WhoIsHere({ presence }: { readonly presence: PresenceState }): ReactNode {
  const titleId = useId();
  const others = useOthers(presence);
  const me = presenceName(presence.get(), 'You');
  return (
    <aside className={`${CHAT_CLASS}-who`} aria-labelledby={titleId}>
      <p className={`${CHAT_CLASS}-who-title`} id={titleId}>
        Here now ({others.length + 1})
      </p>
      {/* role="list" again: list-style none drops the list role in some screen readers */}
      <ul className={`${CHAT_CLASS}-who-list`} role="list" aria-label="Who is here">
        <li>{`${me} (you)`}</li>
        {others.map((entry) => {
          // [COLLAB-49] A member whose page is hidden or untouched says so: greyed, and named away.
          const away = isAway(entry.state);
          return (
            <li key={entry.connection} data-away={away ? '' : undefined}>
              {presenceName(entry.state, 'Guest')}
              {away && <span className={`${CHAT_CLASS}-meta`}> (away)</span>}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
