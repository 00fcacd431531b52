/** A framed landscape: the "add a picture" icon of the whiteboard's toolbar and of the chat's composer. */
import type { ReactElement } from 'react';

export function PictureIcon({ size = 14 }: { size?: number }): ReactElement {
  return (
    <svg aria-hidden="true" width={size} height={size} viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M3 12 L6.5 8 L9 10.5 L10.5 9 L13 12 Z" fill="currentColor" />
      <circle cx="11" cy="5.5" r="1.3" fill="currentColor" />
    </svg>
  );
}
