// The store contract against the LevelDB store, and its durability under kill -9 (SPEC: COLLAB-15, COLLAB-16).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../src/index.js';
import { LevelStore } from '../src/stores/level.js';
import { storeContract } from './store-contract.js';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kuiper-collab-level-'));
  dirs.push(dir);
  return dir;
};
const locations = new WeakMap<DocumentStore, string>();

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function openAt(location: string): Promise<LevelStore> {
  const store = new LevelStore({ location });
  await store.open();
  locations.set(store, location);
  return store;
}

storeContract('level', {
  open: () => openAt(freshDir()),
  reopen: (store) => openAt(locations.get(store)!),
});

const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const WRITER = fileURLToPath(new URL('./helpers/level-writer.ts', import.meta.url));

describe('LevelStore durability', () => {
  it('[COLLAB-16] an update whose append resolved survives kill -9 of the process right after', async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const acked = new Map<number, number>();
    await new Promise<void>((done, fail) => {
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [, seq, fill] = line.split(' ').map(Number);
          acked.set(seq!, fill!);
          // Kill while it is writing: the next append is in flight when SIGKILL lands.
          if (acked.size === 50) child.kill('SIGKILL');
        }
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? done() : fail(new Error(`writer exited without SIGKILL: ${stderr}`))));
    });
    expect(acked.size).toBeGreaterThanOrEqual(50);
    const store = await openAt(dir);
    try {
      const { updates } = await store.load('room');
      const stored = new Map(updates.map((u) => [u.seq, u.update]));
      for (const [seq, fill] of acked) {
        const update = stored.get(seq);
        expect(update, `acked seq ${seq} is missing after kill -9`).toBeDefined();
        expect(update!.length === 1024 && update!.every((b) => b === fill)).toBe(true);
      }
    } finally {
      await store.close();
    }
  });
});
