/**
 * The embedded document store on LevelDB through `classic-level`, whose prebuilt binary ships inside
 * the npm package, so a fresh machine needs nothing but the registry. Node only: reached through the
 * `@kuiper/collab/stores/level` subpath so browsers never load it.
 *
 * Keys, per room: `r␀<room>␀s` the snapshot, `r␀<room>␀m` the seq it covers, `r␀<room>␀u<seq>`
 * the update log (seq zero-padded so keys sort in seq order). Every write is `sync: true`: an append
 * resolves only after fsync, so an acknowledged update survives `kill -9` (COLLAB-15).
 */
import { ClassicLevel } from 'classic-level';
import type { DocumentStore, StoredDocument, StoredUpdate } from '../core/store.js';

const SEP = '\x00';
const SEQ_DIGITS = 16;
const text = new TextEncoder();
const untext = new TextDecoder();

const prefix = (room: string): string => {
  if (room.includes(SEP)) throw new TypeError('a room name has no NUL character');
  return `r${SEP}${room}${SEP}`;
};
const logKey = (room: string, seq: number): string => `${prefix(room)}u${String(seq).padStart(SEQ_DIGITS, '0')}`;
const logRange = (room: string) => ({ gte: `${prefix(room)}u`, lt: `${prefix(room)}v` });

export interface LevelStoreOptions {
  /** The data directory (created if missing). */
  location: string;
}

export class LevelStore implements DocumentStore {
  private readonly db: ClassicLevel<string, Uint8Array>;
  private readonly nextSeq = new Map<string, number>();
  private readonly reading = new Map<string, Promise<number>>();
  private readonly writes = { sync: true } as const;

  constructor(options: LevelStoreOptions) {
    this.db = new ClassicLevel<string, Uint8Array>(options.location, { keyEncoding: 'utf8', valueEncoding: 'view' });
  }

  /** Opens the database; the other methods also open it on first use. */
  open(): Promise<void> {
    return this.db.open();
  }

  async load(room: string): Promise<StoredDocument> {
    const [snapshot, meta] = await this.db.getMany([`${prefix(room)}s`, `${prefix(room)}m`]);
    const updates: StoredUpdate[] = [];
    for await (const [key, update] of this.db.iterator(logRange(room))) {
      updates.push({ seq: Number(key.slice(-SEQ_DIGITS)), update });
    }
    return { snapshot, snapshotSeq: meta ? Number(untext.decode(meta)) : 0, updates };
  }

  async appendUpdate(room: string, update: Uint8Array): Promise<number> {
    const seq = await this.allocate(room);
    await this.db.put(logKey(room, seq), update, this.writes);
    return seq;
  }

  async writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    const meta = await this.db.get(`${prefix(room)}m`);
    if (meta && Number(untext.decode(meta)) > upToSeq) return; // an older snapshot never replaces a newer one
    const covered = await this.db.keys({ ...logRange(room), lte: logKey(room, upToSeq) }).all();
    await this.db.batch([
      { type: 'put', key: `${prefix(room)}s`, value: snapshot },
      { type: 'put', key: `${prefix(room)}m`, value: text.encode(String(upToSeq)) },
      ...covered.map((key) => ({ type: 'del' as const, key })),
    ], this.writes);
  }

  async delete(room: string): Promise<void> {
    const keys = await this.db.keys({ gte: prefix(room), lt: `r${SEP}${room}\x01` }).all();
    await this.db.batch(keys.map((key) => ({ type: 'del' as const, key })), this.writes);
    this.nextSeq.delete(room);
    this.reading.delete(room);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The next seq: read once per room from the log's last key (or the snapshot's seq), then counted. */
  private async allocate(room: string): Promise<number> {
    if (!this.nextSeq.has(room)) {
      let reading = this.reading.get(room);
      if (!reading) this.reading.set(room, (reading = this.readNextSeq(room)));
      const first = await reading;
      if (!this.nextSeq.has(room)) this.nextSeq.set(room, first);
    }
    const seq = this.nextSeq.get(room) as number;
    this.nextSeq.set(room, seq + 1);
    return seq;
  }

  private async readNextSeq(room: string): Promise<number> {
    const [last] = await this.db.keys({ ...logRange(room), reverse: true, limit: 1 }).all();
    const meta = await this.db.get(`${prefix(room)}m`);
    const fromLog = last ? Number(last.slice(-SEQ_DIGITS)) : 0;
    return Math.max(fromLog, meta ? Number(untext.decode(meta)) : 0) + 1;
  }
}
