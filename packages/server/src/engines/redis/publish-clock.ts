/**
 * [ENG-STREAM-12] A publish id as stored on a Redis Cluster: the control script's clock (µs) at the
 * publish, '~', the node's own id for it. Subscriptions are stamped with that same clock (SUBSCRIBE
 * runs on the same master, ENG-STREAM-10), so a node can tell whether a publish came after one of
 * the session's subscriptions began, whichever master holds the stream it was read from.
 */
export const clockedPid = (us: string, pid: string): string => `${us}~${pid}`;

/** The control script's clock in a clustered publish id; undefined for any other id. */
export function publishClock(pid: string): number | undefined {
  const at = pid.indexOf('~');
  return at > 0 ? Number(pid.slice(0, at)) : undefined;
}
