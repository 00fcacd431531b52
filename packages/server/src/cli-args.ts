/**
 * Reads `kuiper serve`'s command line and `--config` file into complete settings (SPEC: SERVE-2,
 * SERVE-3): defaults, then the file, then the flags. Anything wrong — an unknown flag or key, a
 * value of the wrong type or out of range, two settings that contradict — throws an Error whose
 * message names the flag or key and what it expects; bin/kuiper.js prints it and exits 2.
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ServeSettings, SETTINGS, SETTING_KEYS, type SettingKey, defaultSettings, flagOf } from './cli-settings.js';
import { ValueError, shown } from './cli-values.js';

export interface ServeCommand {
  /** The first positional word: `serve` (anything else prints the usage). */
  command: string | undefined;
  help: boolean;
  settings: ServeSettings;
}

const isBoolean = (key: SettingKey): boolean => typeof SETTINGS[key].default === 'boolean';

function parserOptions(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    'no-rate-limit': { type: 'boolean' },
  };
  for (const key of SETTING_KEYS) {
    const flag = flagOf(key);
    if (isBoolean(key)) {
      options[flag] = { type: 'boolean' };
      options[`no-${flag}`] = { type: 'boolean' };
    } else {
      options[flag] = { type: 'string' };
    }
  }
  return options;
}

/** Stores `raw` under `key`, or throws naming `where` (a flag, or the file and key). */
function assign(settings: ServeSettings, key: SettingKey, raw: unknown, where: string): void {
  try {
    (settings as unknown as Record<SettingKey, unknown>)[key] = SETTINGS[key].read(raw);
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
    throw new Error(`${where} must be ${err.expected}, got ${shown(raw)}`);
  }
}

/** The closest known key, for a typo like `maxQueus` (same word with one or two letters off). */
function suggestion(key: string): string {
  const lower = key.toLowerCase().replace(/[-_]/g, '');
  const near = SETTING_KEYS.find((k) => {
    const known = k.toLowerCase();
    return known === lower || (Math.abs(known.length - lower.length) <= 2 && [...known].filter((c, i) => lower[i] !== c).length <= 2);
  });
  return near === undefined ? '' : ` (did you mean "${near}"?)`;
}

function applyFile(settings: ServeSettings, path: string, read: (path: string) => string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(read(path));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`--config ${path}: cannot read it as JSON (${reason})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`--config ${path}: must be a JSON object of settings, such as {"rateLimit": 5000}`);
  }
  for (const [key, raw] of Object.entries(parsed)) {
    if (!(SETTING_KEYS as string[]).includes(key)) {
      throw new Error(`--config ${path}: unknown key "${key}"${suggestion(key)}; kuiper serve --help lists the settings (a flag's key is its name in camelCase)`);
    }
    // `"rateLimit": false` reads as the API's `publishRate: false`: no rate limiting.
    assign(settings, key as SettingKey, key === 'rateLimit' && raw === false ? 0 : raw, `${path}: "${key}"`);
  }
}

function applyFlags(settings: ServeSettings, values: Record<string, unknown>): void {
  for (const key of SETTING_KEYS) {
    const flag = flagOf(key);
    if (isBoolean(key)) {
      const yes = values[flag] === true;
      const no = values[`no-${flag}`] === true;
      if (yes && no) throw new Error(`--${flag} and --no-${flag} contradict each other`);
      if (yes || no) assign(settings, key, yes, `--${flag}`);
    } else if (values[flag] !== undefined) {
      assign(settings, key, values[flag], `--${flag}`);
    }
  }
  if (values['no-rate-limit'] === true) {
    if (values['rate-limit'] !== undefined) throw new Error('--rate-limit and --no-rate-limit contradict each other');
    settings.rateLimit = 0;
  }
}

/** Settings that only make sense together. */
function checkCombinations(s: ServeSettings): void {
  if (s.redis !== undefined && s.redisCluster !== undefined) throw new Error('--redis and --redis-cluster: choose one');
  if (s.redisPrefix !== undefined && s.redis === undefined && s.redisCluster === undefined) {
    throw new Error('--redis-prefix needs --redis or --redis-cluster');
  }
  const shared = s.redis !== undefined || s.redisCluster !== undefined;
  if (s.redisHistory !== undefined && !shared) throw new Error('--redis-history needs --redis');
  if (s.data !== undefined && !s.collab) throw new Error('--data needs --collab');
  if (s.apiKey !== undefined && !s.collab) throw new Error('--api-key needs --collab');
  if (s.maxAssetBytes !== undefined && !s.collab) throw new Error('--max-asset-bytes needs --collab');
  if (s.maxRoomAssetBytes !== undefined && !s.collab) throw new Error('--max-room-asset-bytes needs --collab');
  if (s.keepUnusedAssetsDays !== undefined && !s.collab) throw new Error('--keep-unused-assets-days needs --collab');
  for (const [value, flag] of [[s.versionEveryMinutes, '--version-every-minutes'], [s.versionsKept, '--versions-kept'], [s.maxRoomVersionBytes, '--max-room-version-bytes']] as const) {
    if (value !== undefined && !s.collab) throw new Error(`${flag} needs --collab`);
  }
  if (s.data !== undefined && (s.redis !== undefined || s.redisCluster !== undefined)) {
    throw new Error('--data and --redis: with --redis, documents are kept in Redis');
  }
}

function parse(argv: string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: parserOptions() });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const message = err instanceof Error ? err.message : String(err);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new Error(`unknown flag ${flag}; kuiper serve --help lists every flag`);
    }
    throw new Error(message);
  }
}

export function readServeCommand(argv: string[], read: (path: string) => string = (path) => readFileSync(path, 'utf8')): ServeCommand {
  const { positionals, values } = parse(argv);
  const settings = defaultSettings();
  const command = positionals[0];
  const help = values['help'] === true;
  if (help || command !== 'serve') return { command, help, settings };
  const config = values['config'];
  if (typeof config === 'string') applyFile(settings, config, read);
  applyFlags(settings, values);
  checkCombinations(settings);
  return { command, help, settings };
}
