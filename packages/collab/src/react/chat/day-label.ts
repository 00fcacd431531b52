/**
 * [CHATUI-7] The label of a day separator in the log: `Today`, `Yesterday`, or the date in the
 * reader's locale (`Thursday, December 3`; the year only when it is not this one). A chat kept in
 * the store shows messages from other days, and a time alone ("09:14") would not say which.
 */

/** Midnight, local time, of the day `ms` falls on. */
export function dayStart(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function dayLabel(ms: number, now: number = Date.now()): string {
  const day = dayStart(ms);
  const today = dayStart(now);
  if (day === today) return 'Today';
  const n = new Date(now);
  // The calendar's yesterday, not 24 hours back: a day with a clock change is 23 or 25 hours long.
  if (day === new Date(n.getFullYear(), n.getMonth(), n.getDate() - 1).getTime()) return 'Yesterday';
  const d = new Date(ms);
  return d.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric', ...(d.getFullYear() === n.getFullYear() ? {} : { year: 'numeric' }) });
}
