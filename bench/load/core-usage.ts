// Per-core busy time from /proc/stat. Process CPU (process.cpuUsage) misses the kernel's softirq
// work for loopback TCP, which lands on whichever core sends; and other processes on the machine
// also show up here. Reporting both keeps a noisy or softirq-bound run recognisable.
import { readFileSync } from 'node:fs';

export type CoreTicks = Array<{ busy: number; softirq: number; total: number }>;

export function readCoreTicks(): CoreTicks {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .filter((line) => /^cpu\d+ /.test(line))
      .map((line) => {
        // user nice system idle iowait irq softirq steal ...
        const f = line.trim().split(/\s+/).slice(1).map(Number);
        const total = f.reduce((a, b) => a + b, 0);
        const idle = (f[3] ?? 0) + (f[4] ?? 0);
        return { busy: total - idle, softirq: (f[5] ?? 0) + (f[6] ?? 0), total };
      });
  } catch {
    return [];
  }
}

export interface CoreShare {
  /** Busy share 0..1, softirq included. */
  busy: number;
  /** The part of it spent in (soft)irq handlers, attributed to no process. */
  irq: number;
}

export function coreShares(before: CoreTicks, after: CoreTicks): CoreShare[] {
  return after.map((a, i) => {
    const b = before[i];
    const span = b ? a.total - b.total : 0;
    if (!b || span <= 0) return { busy: 0, irq: 0 };
    return { busy: (a.busy - b.busy) / span, irq: (a.softirq - b.softirq) / span };
  });
}
