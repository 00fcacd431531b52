/**
 * The in-memory document store: the contract's reference implementation, for tests and for a
 * server that keeps nothing across restarts. Stored bytes are copied so a caller reusing its buffer
 * cannot change what was stored.
 */
import type { DocumentStore, StoredDocument, StoredUpdate } from '../core/store.js';

interface Room {
  snapshot: Uint8Array | undefined;
  snapshotSeq: number;
  nextSeq: number;
  updates: StoredUpdate[];
}

export class MemoryStore implements DocumentStore {
  private readonly rooms = new Map<string, Room>();

  async load(room: string): Promise<StoredDocument> {
    const r = this.rooms.get(room);
    if (!r) return { snapshot: undefined, snapshotSeq: 0, updates: [] };
    return { snapshot: r.snapshot?.slice(), snapshotSeq: r.snapshotSeq, updates: r.updates.map((u) => ({ seq: u.seq, update: u.update.slice() })) };
  }

  async appendUpdate(room: string, update: Uint8Array): Promise<number> {
    const r = this.room(room);
    const seq = r.nextSeq++;
    r.updates.push({ seq, update: update.slice() });
    return seq;
  }

  async writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    const r = this.room(room);
    if (upToSeq < r.snapshotSeq) return; // an older snapshot never replaces a newer one
    r.snapshot = snapshot.slice();
    r.snapshotSeq = upToSeq;
    r.updates = r.updates.filter((u) => u.seq > upToSeq);
    r.nextSeq = Math.max(r.nextSeq, upToSeq + 1);
  }

  async delete(room: string): Promise<void> {
    this.rooms.delete(room);
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }

  private room(room: string): Room {
    let r = this.rooms.get(room);
    if (!r) this.rooms.set(room, (r = { snapshot: undefined, snapshotSeq: 0, nextSeq: 1, updates: [] }));
    return r;
  }
}
