// A process's CPU and RSS read from /proc, without its cooperation. Used when a server is too busy
// to answer the IPC stats request in time (Faye under overload starves its event loop): the same
// kernel counters process.cpuUsage() reads, at clock-tick (10 ms) resolution.
import { readFileSync } from 'node:fs';

const CLOCK_TICK_MICROS = 10_000; // CLK_TCK is 100 on Linux
const PAGE_BYTES = 4096;

export function procStats(pid: number): { cpuMicros: number; rss: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(pages)) return undefined;
    return { cpuMicros: ticks * CLOCK_TICK_MICROS, rss: pages * PAGE_BYTES };
  } catch {
    return undefined;
  }
}
