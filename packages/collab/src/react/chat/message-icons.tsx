/**
 * [CHATUI-12] [CHATUI-14] [CHATUI-16] The icons of a message's React and Reply buttons, and of Search: drawn, since emoji
 * fonts are not everywhere, and small, so React, Reply, Edit and Delete stay on the message's first
 * line in a narrow chat.
 */
import type { ReactElement } from 'react';

const frame = { 'aria-hidden': true, width: 14, height: 14, viewBox: '0 0 16 16', style: { verticalAlign: 'middle' } } as const;

/** A face with a plus: add a reaction. */
export function ReactIcon(): ReactElement {
  return (
    <svg {...frame}>
      <circle cx="7" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <circle cx="5.2" cy="7.2" r=".9" fill="currentColor" />
      <circle cx="8.8" cy="7.2" r=".9" fill="currentColor" />
      <path d="M4.6 10.1 Q7 12.4 9.4 10.1" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinecap="round" />
      <path d="M13.5 1 V5 M11.5 3 H15.5" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}

/** A curved arrow back: answer this message. */
export function ReplyIcon(): ReactElement {
  return (
    <svg {...frame}>
      <path d="M6 3.5 L2 7.5 L6 11.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
      <path d="M2.5 7.5 H10 Q14 7.5 14 11.5 V13" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

/** [CHATUI-16] A magnifying glass: search the chat. */
export function SearchIcon(): ReactElement {
  return (
    <svg {...frame}>
      <circle cx="6.5" cy="6.5" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M10 10 L14.5 14.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}
