// docs/benchmarks.svg: horizontal bar panels: throughput (delivered messages/s, linear), latency
// (p50 and p99 in ms, log scale because a tail can be seconds while others are ms) and server CPU
// per delivered message (linear).
import type { CaseName } from '../bench-options.ts';
import type { ServerKind } from '../ipc-messages.ts';
import type { BenchReport } from '../run.ts';

const COLORS: Record<ServerKind, string> = { kuiper: '#2b6cb0', faye: '#c05621', 'raw-ws': '#718096', hocuspocus: '#6b46c1', 'y-websocket': '#2f855a' };
const NAMES: Record<ServerKind, string> = { kuiper: 'Kuiper', faye: 'Faye', 'raw-ws': 'raw ws', hocuspocus: 'Hocuspocus', 'y-websocket': 'y-websocket' };
const SERVERS: ServerKind[] = ['kuiper', 'faye', 'raw-ws'];

interface Group {
  label: string;
  bars: Array<{ server: ServerKind; value: number }>;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function groupsFor(report: BenchReport, specs: Array<{ c: CaseName; key: string; label: string }>): Group[] {
  return specs
    .map(({ c, key, label }) => {
      const runs = report.cases.find((x) => x.name === c)?.runs ?? [];
      const bars = SERVERS.flatMap((server) => {
        const v = runs.find((r) => r.server === server && r.error === undefined)?.metrics[key];
        return typeof v === 'number' && v > 0 ? [{ server, value: v }] : [];
      });
      return { label, bars };
    })
    .filter((g) => g.bars.length > 0);
}

function panel(title: string, groups: Group[], x: number, top: number, width: number, log: boolean, unit: string): { svg: string[]; height: number } {
  const labelW = 150;
  const barH = 14;
  const plotW = width - labelW - 70;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value));
  const max = Math.max(1, ...values);
  const min = Math.min(max, ...values);
  const lo = log ? Math.pow(10, Math.floor(Math.log10(Math.max(min, 0.01)))) : 0;
  const scale = (v: number): number => (log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(max) - Math.log10(lo) || 1) : v / max) * plotW;
  const svg = [`<text x="${x}" y="${top + 24}" font-size="14" font-weight="bold">${esc(title)}</text>`];
  let y = top + 44;
  for (const g of groups) {
    svg.push(`<text x="${x}" y="${y + 11}" font-size="11">${esc(g.label)}</text>`);
    for (const b of g.bars) {
      const w = Math.max(1, scale(b.value));
      const shown = b.value >= 100 ? Math.round(b.value).toLocaleString('en-US') : b.value.toFixed(b.value >= 10 ? 1 : 2);
      svg.push(`<rect x="${x + labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[b.server]}"/>`);
      svg.push(`<text x="${(x + labelW + w + 4).toFixed(1)}" y="${y + 11}" font-size="10">${shown}${unit}</text>`);
      y += barH + 3;
    }
    y += 10;
  }
  if (log) svg.push(`<text x="${x + labelW}" y="${y + 4}" font-size="10" fill="#555">log scale</text>`);
  return { svg, height: y + 10 };
}

export function renderSvg(report: BenchReport): string {
  const throughput = groupsFor(report, [
    { c: 'fanout-max', key: 'deliveredPerSec', label: 'WS fan-out, max rate' },
    { c: 'many-channels', key: 'deliveredPerSec', label: 'many channels' },
    { c: 'long-poll', key: 'deliveredPerSec', label: 'long-polling' },
  ]);
  const latency = groupsFor(report, [
    { c: 'fixed-rate', key: 'p50Ms', label: 'fixed rate, p50' },
    { c: 'fixed-rate', key: 'p99Ms', label: 'fixed rate, p99' },
    { c: 'long-poll', key: 'p50Ms', label: 'long-polling, p50' },
    { c: 'long-poll', key: 'p99Ms', label: 'long-polling, p99' },
    { c: 'two-node', key: 'p50Ms', label: 'two nodes on Redis, p50' },
    { c: 'two-node', key: 'p99Ms', label: 'two nodes on Redis, p99' },
  ]);
  const cpu = groupsFor(report, [
    { c: 'fanout-max', key: 'serverCpuUsPerMsg', label: 'WS fan-out, max rate' },
    { c: 'fixed-rate', key: 'serverCpuUsPerMsg', label: 'fixed rate' },
    { c: 'many-channels', key: 'serverCpuUsPerMsg', label: 'many channels' },
    { c: 'long-poll', key: 'serverCpuUsPerMsg', label: 'long-polling' },
    { c: 'two-node', key: 'serverCpuUsPerMsg', label: 'two nodes (sum of both)' },
  ]);
  const left = panel('Delivered messages/s (higher is better)', throughput, 10, 0, 470, false, '');
  const right = panel('Latency, ms (lower is better)', latency, 490, 0, 470, true, ' ms');
  const lower = panel('Server CPU µs per delivered message (lower is better)', cpu, 10, Math.max(left.height, right.height), 470, false, ' µs');
  const height = lower.height + 30;
  const legend = SERVERS.map((s, i) => `<rect x="${10 + i * 110}" y="${height - 22}" width="12" height="12" fill="${COLORS[s]}"/><text x="${26 + i * 110}" y="${height - 12}" font-size="11">${NAMES[s]}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="970" height="${height}" viewBox="0 0 970 ${height}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="#fff"/>',
    ...left.svg,
    ...right.svg,
    ...lower.svg,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
