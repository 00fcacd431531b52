/**
 * The embedded document store on LevelDB through `classic-level`, whose prebuilt binary ships inside
 * the npm package, so a fresh machine needs nothing but the registry. Node only: reached through the
 * `@kuiper/collab/stores/level` subpath so browsers never load it.
 *
 * Keys, per room: `r␀<room>␀s` the snapshot, `r␀<room>␀m` the seq it covers, `r␀<room>␀u<seq>`
 * the update log (seq zero-padded so keys sort in seq order). Every write is `sync: true`: an append
 * resolves only after fsync, so an acknowledged update survives `kill -9` (COLLAB-15).
 * Chat: `r␀<room>␀c<serial>` each message as JSON, `r␀<room>␀p<user>` each read position (CHAT-4).
 * Assets: `r␀<room>␀a<id>` the bytes, `r␀<room>␀t` their sum, `r␀<room>␀n<id>` since when a
 * collection found one unused (COLLAB-47, COLLAB-48).
 * Versions (COLLAB-50): `r␀<room>␀h<id>` each entry as JSON, `r␀<room>␀k<id>` its state, apart so
 * listing reads no state; `r␀<room>␀l` the last id given, so a pruned id is never given again.
 */
import { ClassicLevel } from 'classic-level';
import type { ChatMessage } from '../chat/types.js';
import type { AssetEntry, AssetMark, AssetPut, ChatChange, ChatChangeResult, ChatDraft, ChatPage, ChatPageQuery, DocumentStore, StoredDocument, StoredUpdate, VersionDraft, VersionEntry } from '../core/store.js';
import { RoomChains } from './room-chains.js';
import { applyChange, chatRecord, pageRange, readChatRecord, serialsOf } from './chat-records.js';
import { isVersionId, prunedVersions, readVersionEntry, versionRecord } from './version-records.js';

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
const chatKey = (room: string, serial: number): string => `${prefix(room)}c${String(serial).padStart(SEQ_DIGITS, '0')}`;
const chatRange = (room: string) => ({ gte: `${prefix(room)}c`, lt: `${prefix(room)}d` });
const readKey = (room: string, userId: string): string => `${prefix(room)}p${userId}`;
const idKey = (room: string, id: string): string => `${prefix(room)}i${id}`;
const assetKey = (room: string, id: string): string => `${prefix(room)}a${id}`;
const assetTotalKey = (room: string): string => `${prefix(room)}t`;
const assetRange = (room: string) => ({ gte: `${prefix(room)}a`, lt: `${prefix(room)}b` });
const unusedKey = (room: string, id: string): string => `${prefix(room)}n${id}`;
const unusedRange = (room: string) => ({ gte: `${prefix(room)}n`, lt: `${prefix(room)}o` });
const versionKey = (room: string, id: number): string => `${prefix(room)}h${String(id).padStart(SEQ_DIGITS, '0')}`;
const versionRange = (room: string) => ({ gte: `${prefix(room)}h`, lt: `${prefix(room)}i` });
const versionStateKey = (room: string, id: number): string => `${prefix(room)}k${String(id).padStart(SEQ_DIGITS, '0')}`;
const lastVersionKey = (room: string): string => `${prefix(room)}l`;

export interface LevelStoreOptions {
  /** The data directory (created if missing). */
  location: string;
}

export class LevelStore implements DocumentStore {
  private readonly db: ClassicLevel<string, Uint8Array>;
  private readonly nextSeq = new Map<string, number>();
  private readonly reading = new Map<string, Promise<number>>();
  private readonly writes = { sync: true } as const;
  /** Per room, the last chat serial (once read) behind a chain that runs chat writes one at a time. */
  private readonly chat = new Map<string, { last: Promise<number>; tail: Promise<unknown> }>();
  /** Per room, the asset put in progress, which the next one waits for (COLLAB-47's limit). */
  private readonly assetChains = new RoomChains();
  /** Per room, the version put in progress: each reads the last id and the entries it prunes. */
  private readonly versionChains = new RoomChains();

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

  appendChat(room: string, draft: ChatDraft): Promise<ChatMessage> {
    // One at a time per room, and the serial counts only once its record is synced: no gap, ever.
    return this.chatSerially(room, async (last) => {
      const known = draft.id === undefined ? undefined : await this.db.get(idKey(room, draft.id));
      if (known) return { value: readChatRecord(untext.decode((await this.db.get(chatKey(room, Number(untext.decode(known)))))!)), last };
      const message: ChatMessage = { serial: last + 1, ...chatRecord(draft) };
      const writes = [{ type: 'put' as const, key: chatKey(room, message.serial), value: text.encode(JSON.stringify(message)) }];
      if (draft.id !== undefined) writes.push({ type: 'put', key: idKey(room, draft.id), value: text.encode(String(message.serial)) });
      await this.db.batch(writes, this.writes);
      return { value: message, last: message.serial };
    });
  }

  changeChat(room: string, serial: number, authorId: string, change: ChatChange): Promise<ChatChangeResult> {
    return this.chatSerially(room, async (last) => {
      const stored = Number.isInteger(serial) && serial >= 1 && serial <= last ? await this.db.get(chatKey(room, serial)) : undefined;
      const before = stored ? readChatRecord(untext.decode(stored)) : undefined;
      const result = applyChange(before, authorId, change);
      // A reaction that changes nothing (given twice) is no write.
      if ('message' in result && result.message !== before) await this.db.put(chatKey(room, serial), text.encode(JSON.stringify(result.message)), this.writes);
      return { value: result, last };
    });
  }

  async chatPage(room: string, query: ChatPageQuery): Promise<ChatPage> {
    const range = pageRange(await this.lastChat(room), query);
    const values = await this.db.getMany(serialsOf(range).map((serial) => chatKey(room, serial)));
    return { messages: values.map((v) => readChatRecord(untext.decode(v))), hasMore: range.hasMore };
  }

  async setChatRead(room: string, userId: string, serial: number): Promise<number> {
    // Behind the room's chat chain, so two tabs raising it at once never lower it.
    return this.chatSerially(room, async (last) => {
      const position = Math.max(await this.chatRead(room, userId), serial);
      await this.db.put(readKey(room, userId), text.encode(String(position)), this.writes);
      return { value: position, last };
    });
  }

  async chatRead(room: string, userId: string): Promise<number> {
    const stored = await this.db.get(readKey(room, userId));
    return stored ? Number(untext.decode(stored)) : 0;
  }

  async putAsset(room: string, id: string, bytes: Uint8Array, maxRoomBytes = Infinity): Promise<AssetPut> {
    // One room's puts run one after the other: the limit is checked and the sum written in one batch.
    return this.assetsSerially(room, async (): Promise<AssetPut> => {
      if (await this.hasAsset(room, id)) {
        await this.db.del(unusedKey(room, id), this.writes); // uploaded again: in use again (COLLAB-48)
        return 'exists';
      }
      const total = await this.assetTotal(room);
      if (total + bytes.byteLength > maxRoomBytes) return 'full';
      await this.db.batch([
        { type: 'put', key: assetKey(room, id), value: bytes.slice() },
        { type: 'put', key: assetTotalKey(room), value: text.encode(String(total + bytes.byteLength)) },
      ], this.writes);
      return 'stored';
    });
  }

  async getAsset(room: string, id: string): Promise<Uint8Array | undefined> {
    return this.db.get(assetKey(room, id));
  }

  async hasAssets(room: string, ids: readonly string[]): Promise<string[]> {
    const has = await Promise.all(ids.map((id) => this.hasAsset(room, id)));
    return ids.filter((_, i) => has[i]);
  }

  async listAssets(room: string): Promise<AssetEntry[]> {
    const [ids, marks] = await Promise.all([this.db.keys(assetRange(room)).all(), this.db.iterator(unusedRange(room)).all()]);
    const since = new Map(marks.map(([key, value]) => [key.slice(unusedKey(room, '').length), Number(untext.decode(value))]));
    return ids.map((key) => key.slice(assetKey(room, '').length)).map((id) => (since.has(id) ? { id, unusedSince: since.get(id)! } : { id }));
  }

  async markAssets(room: string, marks: readonly AssetMark[]): Promise<void> {
    await this.assetsSerially(room, async () => {
      const kept = await Promise.all(marks.map(({ id }) => this.hasAsset(room, id)));
      const ops: Array<{ type: 'del'; key: string } | { type: 'put'; key: string; value: Uint8Array }> = [];
      marks.forEach(({ id, unusedSince }, i) => {
        if (!kept[i]) return;
        ops.push(unusedSince === null ? { type: 'del', key: unusedKey(room, id) } : { type: 'put', key: unusedKey(room, id), value: text.encode(String(unusedSince)) });
      });
      if (ops.length > 0) await this.db.batch(ops, this.writes);
    });
  }

  async deleteAssets(room: string, ids: readonly string[], before: number): Promise<string[]> {
    return this.assetsSerially(room, async () => {
      const deleted: string[] = [];
      let freed = 0;
      for (const id of ids) {
        const mark = await this.db.get(unusedKey(room, id));
        const stored = mark === undefined || Number(untext.decode(mark)) > before ? undefined : await this.db.get(assetKey(room, id));
        if (!stored) continue;
        deleted.push(id);
        freed += stored.byteLength;
      }
      if (deleted.length === 0) return deleted;
      const total = await this.assetTotal(room);
      await this.db.batch([
        ...deleted.flatMap((id) => [{ type: 'del' as const, key: assetKey(room, id) }, { type: 'del' as const, key: unusedKey(room, id) }]),
        { type: 'put', key: assetTotalKey(room), value: text.encode(String(Math.max(0, total - freed))) },
      ], this.writes);
      return deleted;
    });
  }

  /** The room's assets' bytes summed (kept beside them for its limit). */
  private async assetTotal(room: string): Promise<number> {
    const stored = await this.db.get(assetTotalKey(room));
    return stored === undefined ? 0 : Number(untext.decode(stored));
  }

  /** Whether the room has the asset, without reading its bytes. */
  private async hasAsset(room: string, id: string): Promise<boolean> {
    const key = assetKey(room, id);
    return (await this.db.keys({ gte: key, lte: key, limit: 1 }).all()).length === 1;
  }

  /** One room's asset writes one after the other: each reads and writes the room's sum in one step. */
  private assetsSerially<T>(room: string, work: () => Promise<T>): Promise<T> {
    return this.assetChains.run(room, work);
  }

  putVersion(room: string, draft: VersionDraft, keep: number): Promise<VersionEntry> {
    // Taken now, not when the put's turn comes: the caller may reuse its buffer meanwhile.
    const record = versionRecord(draft);
    const state = draft.state.slice();
    return this.versionChains.run(room, async () => {
      const [last, entries] = await Promise.all([this.db.get(lastVersionKey(room)), this.listVersions(room)]);
      const entry: VersionEntry = { id: (last === undefined ? 0 : Number(untext.decode(last))) + 1, ...record };
      // One batch: the version, its id counted, and the ones it prunes, all or nothing.
      await this.db.batch([
        { type: 'put', key: lastVersionKey(room), value: text.encode(String(entry.id)) },
        { type: 'put', key: versionKey(room, entry.id), value: text.encode(JSON.stringify(entry)) },
        { type: 'put', key: versionStateKey(room, entry.id), value: state },
        ...prunedVersions([...entries, entry], keep).flatMap((id) => [{ type: 'del' as const, key: versionKey(room, id) }, { type: 'del' as const, key: versionStateKey(room, id) }]),
      ], this.writes);
      return entry;
    });
  }

  async listVersions(room: string): Promise<VersionEntry[]> {
    const values = await this.db.values({ ...versionRange(room), reverse: true }).all();
    return values.map((value) => readVersionEntry(untext.decode(value)));
  }

  async getVersion(room: string, id: number): Promise<Uint8Array | undefined> {
    return isVersionId(id) ? this.db.get(versionStateKey(room, id)) : undefined;
  }

  async delete(room: string): Promise<void> {
    const keys = await this.db.keys({ gte: prefix(room), lt: `r${SEP}${room}\x01` }).all();
    await this.db.batch(keys.map((key) => ({ type: 'del' as const, key })), this.writes);
    this.nextSeq.delete(room);
    this.reading.delete(room);
    this.chat.delete(room);
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

  private lastChat(room: string): Promise<number> {
    let state = this.chat.get(room);
    if (!state) {
      const last = this.db.keys({ ...chatRange(room), reverse: true, limit: 1 }).all().then(([key]) => (key ? Number(key.slice(-SEQ_DIGITS)) : 0));
      this.chat.set(room, (state = { last, tail: last.catch(() => undefined) }));
      last.catch(() => this.chat.delete(room)); // unreadable now: read again next time
    }
    return state.last;
  }

  /** Runs `write` after the room's earlier chat writes, with the last serial; a failed write changes nothing. */
  private chatSerially<T>(room: string, write: (last: number) => Promise<{ value: T; last: number }>): Promise<T> {
    void this.lastChat(room);
    const state = this.chat.get(room)!;
    const run = state.tail.then(async () => {
      const done = await write(await state.last);
      state.last = Promise.resolve(done.last);
      return done.value;
    });
    state.tail = run.catch(() => undefined);
    return run;
  }

  private async readNextSeq(room: string): Promise<number> {
    const [last] = await this.db.keys({ ...logRange(room), reverse: true, limit: 1 }).all();
    const meta = await this.db.get(`${prefix(room)}m`);
    const fromLog = last ? Number(last.slice(-SEQ_DIGITS)) : 0;
    return Math.max(fromLog, meta ? Number(untext.decode(meta)) : 0) + 1;
  }
}
