/**
 * The rooms each session has something in on this node (an admission or membership, a relay, a
 * chat caller), so that a session leaving costs the rooms it was in, not every room the node has:
 * every node hears every session removed anywhere in the cluster, and searching all its rooms (and,
 * for each, every chat caller) for each one made a wave of departures stall a node with many rooms.
 * One room, the usual case, is kept as the string itself: no Set per session.
 */
export class ClientRooms {
  private readonly rooms = new Map<string, string | Set<string>>();

  add(clientId: string, room: string): void {
    const had = this.rooms.get(clientId);
    if (had === undefined) this.rooms.set(clientId, room);
    else if (typeof had !== 'string') had.add(room);
    else if (had !== room) this.rooms.set(clientId, new Set([had, room]));
  }

  has(clientId: string, room: string): boolean {
    const had = this.rooms.get(clientId);
    return had === room || (typeof had === 'object' && had.has(room));
  }

  /** Forgets the session's `room`; true if it had it. */
  remove(clientId: string, room: string): boolean {
    const had = this.rooms.get(clientId);
    if (had === room) return this.rooms.delete(clientId);
    if (typeof had !== 'object' || !had.delete(room)) return false;
    if (had.size === 1) this.rooms.set(clientId, had.values().next().value as string);
    return true;
  }

  /** Every room some session has here. */
  allRooms(): Set<string> {
    const all = new Set<string>();
    for (const had of this.rooms.values()) {
      if (typeof had === 'string') all.add(had);
      else for (const room of had) all.add(room);
    }
    return all;
  }

  /** The session's rooms, forgotten here. */
  take(clientId: string): string[] {
    const had = this.rooms.get(clientId);
    this.rooms.delete(clientId);
    return had === undefined ? [] : typeof had === 'string' ? [had] : [...had];
  }

  /** `room` alone if given (forgotten for the session), else all of the session's (forgotten). */
  leaving(clientId: string, room: string | undefined): string[] {
    if (room === undefined) return this.take(clientId);
    this.remove(clientId, room);
    return [room];
  }
}
