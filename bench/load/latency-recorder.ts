// Exact latency samples in a growable Float64Array: at benchmark rates (≤ ~1M samples per run) this
// is cheaper and simpler than a histogram and gives exact percentiles.
import type { LatencySummary } from '../ipc-messages.ts';

export class LatencyRecorder {
  private samples = new Float64Array(1 << 16);
  private size = 0;

  add(ms: number): void {
    if (this.size === this.samples.length) {
      const bigger = new Float64Array(this.samples.length * 2);
      bigger.set(this.samples);
      this.samples = bigger;
    }
    this.samples[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  summary(): LatencySummary | undefined {
    if (this.size === 0) return undefined;
    const sorted = this.samples.slice(0, this.size).sort();
    const at = (q: number): number => sorted[Math.min(this.size - 1, Math.floor(q * this.size))] ?? 0;
    return { count: this.size, p50: at(0.5), p99: at(0.99), max: sorted[this.size - 1] ?? 0 };
  }
}
