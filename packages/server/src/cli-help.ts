/**
 * `kuiper serve --help`, written from the settings table (SPEC: SERVE-1) so every flag is listed
 * with its unit and default, and none can be added without appearing here.
 */
import { SETTINGS, SETTING_KEYS, type SettingKey, flagOf } from './cli-settings.js';

const BYTE_UNITS: [number, string][] = [
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
];

/** 1048576 → "1 MiB"; sizes that are not whole units stay in bytes. */
export function formatBytes(n: number): string {
  for (const [size, unit] of BYTE_UNITS) if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  return `${n} bytes`;
}

function shownDefault(key: SettingKey): string {
  const setting = SETTINGS[key];
  if (setting.shownDefault !== undefined) return setting.shownDefault;
  const value = setting.default;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') {
    if (setting.arg === 'bytes') return formatBytes(value);
    if (setting.arg === 'ms') return `${value} ms`;
    return String(value);
  }
  return String(value);
}

function line(key: SettingKey): string {
  const setting = SETTINGS[key];
  const flag = flagOf(key);
  const name = setting.arg === undefined ? `--[no-]${flag}` : `--${flag} ${setting.arg}`;
  return `  ${name.padEnd(34)} ${setting.help} (default ${shownDefault(key)})`;
}

export function serveUsage(): string {
  const groups = new Map<string, string[]>();
  for (const key of SETTING_KEYS) {
    const group = SETTINGS[key].group;
    groups.set(group, [...(groups.get(group) ?? []), line(key)]);
  }
  const sections = [...groups].map(([group, lines]) => `${group}\n${lines.join('\n')}`);
  return `usage: kuiper serve [--config FILE] [flags]

Every flag is also a key of the --config JSON file, in camelCase (--max-queue 5000 is
{"maxQueue": 5000}); flags override the file. Sizes take KiB, MiB or GiB ("16MiB").
  --no-rate-limit${' '.repeat(20)}the same as --rate-limit 0: for benchmarks and backends feeding data

${sections.join('\n\n')}

--redis: every node started with the same URL and prefix serves the same sessions, so a load
balancer can send any request to any node. --collab needs @kuiper/collab installed next to this
package; its documents are kept in --data, or in Redis with --redis.`;
}
