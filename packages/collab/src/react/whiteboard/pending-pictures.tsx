/**
 * [BOARD-26] Pictures on their way to the board, drawn on this page only: where each will land, its
 * thumbnail faded inside a dashed outline, while it uploads; and a status line counting them from the
 * moment they were pasted, dropped or picked. A photo takes a second to fit and, on a slow uplink,
 * many to upload: without this, nothing seemed to happen and people pasted it again.
 */
import type { ReactElement } from 'react';
import type { PendingPicture } from './use-images.js';
import { WB } from './styles.js';

/** Inside the board's transform: board units. */
export function PendingPictures({ pending, zoom }: { pending: readonly PendingPicture[]; zoom: number }): ReactElement {
  return (
    <g aria-hidden="true">
      {pending.map(({ key, shape }) => {
        if (!shape) return null;
        const box = { x: shape.x, y: shape.y, width: shape.w ?? 0, height: shape.h ?? 0 };
        return (
          <g key={key} data-pending-picture="">
            {shape.thumb !== undefined && <image href={shape.thumb} {...box} preserveAspectRatio="none" opacity={0.5} />}
            <rect {...box} fill="none" stroke="var(--kuiper-wb-accent,#1971c2)" strokeWidth={1.5 / zoom} strokeDasharray={`${6 / zoom} ${4 / zoom}`} />
          </g>
        );
      })}
    </g>
  );
}

/**
 * Always there (a live region must exist before it changes to be read out); empty when nothing is on
 * its way. A polite live region, not role="status": the page around the board keeps its own status.
 */
export function PendingStatus({ count }: { count: number }): ReactElement {
  return (
    <p aria-live="polite" aria-atomic="true" className={`${WB}-busy`}>
      {count === 0 ? '' : `Adding ${count} ${count === 1 ? 'picture' : 'pictures'}…`}
    </p>
  );
}
