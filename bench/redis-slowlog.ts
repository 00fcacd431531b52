// Where Redis's time went in a window, from its own accounts: SLOWLOG with every command logged
// (each entry one command's execution time, µs) and INFO commandstats (calls and µs per command).
// Both count execution only: reading the request, writing the reply and Redis's event loop are in
// its CPU (INFO cpu) but in neither of these.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Scripts from '../packages/server/src/engines/redis/scripts.ts';
import { ADMIN_CLIENT_NAME, type CommandStats, commandsBetween, type SlowlogEntry } from './cluster-redis.ts';

/** The engine's script that runs once per publish on one Redis (stream-scripts.ts). */
export const PUBLISH_SCRIPT = 'publishStream';

/**
 * sha → name of the Redis engine's scripts, from the code the bench's Kuiper nodes run: the built
 * package when it is there (bench/servers/kuiper.ts prefers it), otherwise the source.
 */
export async function engineScriptNames(): Promise<Map<string, string>> {
  const dist = new URL('../packages/server/dist/engines/redis/scripts.js', import.meta.url);
  const src = new URL('../packages/server/src/engines/redis/scripts.ts', import.meta.url);
  const { ALL_SCRIPTS } = (await import(existsSync(fileURLToPath(dist)) ? dist.href : src.href)) as typeof Scripts;
  return new Map(ALL_SCRIPTS.map((s) => [s.sha, s.name]));
}

/** Commands of the harness's own (INFO, CONFIG, SLOWLOG, CLIENT): not the nodes' work. */
const HARNESS = new Set(['info', 'config', 'slowlog', 'client']);
/** Commands whose time includes the commands they ran, which commandstats also counts by name. */
const WRAPPERS = new Set(['exec', 'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
const base = (command: string): string => (command.split('|')[0] ?? command).toLowerCase();

/** commandstats between two snapshots: the nodes' command time, each command counted once (a wrapper's by the commands inside it). */
export function nodeCommandTime(before: CommandStats, after: CommandStats): { usec: number; calls: number; top: Array<{ what: string; calls: number; usec: number }> } {
  const rows = commandsBetween(before, after)
    .filter((c) => !HARNESS.has(base(c.command)) && !WRAPPERS.has(base(c.command)))
    .map((c) => ({ what: c.command, calls: c.calls, usec: c.usec }));
  return { usec: rows.reduce((a, c) => a + c.usec, 0), calls: rows.reduce((a, c) => a + c.calls, 0), top: rows };
}

export interface SlowlogGroup {
  /** The script's name (EVALSHA of a known sha), `evalsha <sha…>` for an unknown one, else the command. */
  what: string;
  calls: number;
  usec: number;
  /** Each call's µs, in log order. */
  each: number[];
}

/** The nodes' top-level commands in the log, grouped: a script's own commands ('?:0', counted in its entry) and the harness's are left out. */
export function groupSlowlog(entries: SlowlogEntry[], names: Map<string, string>): SlowlogGroup[] {
  const groups = new Map<string, SlowlogGroup>();
  for (const e of entries) {
    const command = (e.args[0] ?? '?').toLowerCase();
    if (e.client === '?:0' || e.name === ADMIN_CLIENT_NAME || HARNESS.has(command)) continue;
    const sha = command === 'evalsha' || command === 'evalsha_ro' ? (e.args[1] ?? '').toLowerCase() : undefined;
    const what = sha === undefined ? command : (names.get(sha) ?? `evalsha ${sha.slice(0, 8)}`);
    const g = groups.get(what) ?? { what, calls: 0, usec: 0, each: [] };
    g.calls++;
    g.usec += e.micros;
    g.each.push(e.micros);
    groups.set(what, g);
  }
  return [...groups.values()].sort((a, b) => b.usec - a.usec);
}

/**
 * The group that is the publish script: by name when the sha is the engine's, else the one unknown
 * script called exactly once per publish (the name says which way it was found).
 */
export function publishGroup(groups: SlowlogGroup[], publishes: number): { group: SlowlogGroup; how: string } | undefined {
  const named = groups.find((g) => g.what === PUBLISH_SCRIPT);
  if (named !== undefined) return { group: named, how: `the sha of the engine's ${PUBLISH_SCRIPT} script` };
  const matching = groups.filter((g) => g.what.startsWith('evalsha ') && g.calls === publishes);
  const only = matching[0];
  return matching.length === 1 && only !== undefined ? { group: only, how: `the one script called once per publish (${only.what}: its sha is not the engine's source's)` } : undefined;
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** "name 1.0 calls 123 µs; … (per s)" for a note: the largest first, `per` seconds or publishes. */
export function describeGroups(groups: Array<{ what: string; calls: number; usec: number }>, per: number, unit: string, most = 6): string {
  if (groups.length === 0) return 'nothing';
  const shown = groups.slice(0, most).map((g) => `${g.what} ${(g.calls / per).toFixed(1)} calls ${(g.usec / per).toFixed(0)} µs`);
  if (groups.length > most) shown.push(`${groups.length - most} more`);
  return `${shown.join('; ')} (per ${unit})`;
}
