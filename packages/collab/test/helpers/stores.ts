// Stores for tests: a MemoryStore that records its calls and can be told to fail.
import { MemoryStore, type StoredDocument } from '../../src/index.js';

export class ProbeStore extends MemoryStore {
  readonly calls: string[] = [];
  failLoad = false;
  failAppend = false;
  failSnapshot = false;
  /** While set, appends wait for it: the store is busy. */
  gate: Promise<void> | undefined;

  /** Holds every append from now on (the disk is busy); the function returned lets them go. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return release;
  }

  override async load(room: string): Promise<StoredDocument> {
    this.calls.push('load');
    if (this.failLoad) throw new Error('disk unreadable');
    return super.load(room);
  }

  override async appendUpdate(room: string, update: Uint8Array): Promise<number> {
    this.calls.push('append');
    await this.gate;
    if (this.failAppend) throw new Error('disk full');
    return super.appendUpdate(room, update);
  }

  override async writeSnapshot(room: string, snapshot: Uint8Array, upToSeq: number): Promise<void> {
    this.calls.push(`snapshot:${upToSeq}`);
    if (this.failSnapshot) throw new Error('disk full');
    return super.writeSnapshot(room, snapshot, upToSeq);
  }
}
