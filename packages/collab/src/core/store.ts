/**
 * The one interface every document store implements (COLLAB-14), as engines are for the server:
 * an append-only log of updates since the last snapshot, and a snapshot that replaces a prefix of it.
 */
export interface StoredUpdate {
  /** Increasing per room, never reused, even after the entries before it are compacted away. */
  readonly seq: number;
  readonly update: Uint8Array;
}

export interface StoredDocument {
  /** The compacted state covering every update up to `snapshotSeq`, or undefined for none yet. */
  readonly snapshot: Uint8Array | undefined;
  readonly snapshotSeq: number;
  /** Updates after the snapshot, in seq order. */
  readonly updates: readonly StoredUpdate[];
}

export interface DocumentStore {
  /** The room's stored state; an unknown room loads as empty. Rejects when it cannot read. */
  load(room: string): Promise<StoredDocument>;
  /** Appends one update; resolves with its seq only once it is durable (it survives `kill -9`). */
  appendUpdate(room: string, update: Uint8Array): Promise<number>;
  /** Replaces the snapshot and drops the log entries it covers (seq ≤ upToSeq), atomically. */
  writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void>;
  /**
   * [COLLAB-30] Only a store several nodes share (Redis) has these: the lease saying which node is
   * a room's authority. Takes or renews it for `owner` for `ttlMs`; false while another owner holds it.
   */
  claimAuthority?(room: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if `owner` still holds it. */
  releaseAuthority?(room: string, owner: string): Promise<void>;
  /** Forgets the room entirely. */
  delete(room: string): Promise<void>;
  close(): Promise<void>;
}
