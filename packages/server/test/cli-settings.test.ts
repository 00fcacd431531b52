// The settings `kuiper serve` reads (SPEC: SERVE-2..4), without a process: flags and a config file
// (read through an in-memory reader) into the options the server is built with.
import { describe, expect, it } from 'vitest';
import { readServeCommand } from '../src/cli-args.js';
import { serverOptions } from '../src/cli.js';
import { DEFAULT_SERVER_LIMITS } from '../src/options.js';

function settings(argv: string[], file: unknown = {}) {
  return readServeCommand(['serve', ...argv], () => JSON.stringify(file)).settings;
}

describe('kuiper serve settings', () => {
  it('[SERVE-2] with nothing given, the server gets the embedding API defaults', () => {
    expect(serverOptions(settings([])).limits).toEqual(DEFAULT_SERVER_LIMITS);
  });

  it('[SERVE-2] sizes take KiB, MiB and GiB, on a flag or in the file', () => {
    expect(settings(['--max-queue-bytes', '64MiB']).maxQueueBytes).toBe(64 * 1024 * 1024);
    expect(settings(['--max-message-bytes', '1.5 KiB']).maxMessageBytes).toBe(1536);
    expect(settings(['--config', 'k.json'], { maxBodyBytes: '2GiB', wsHighWaterBytes: 4096 })).toMatchObject({ maxBodyBytes: 2 * 1024 ** 3, wsHighWaterBytes: 4096 });
  });

  it('[SERVE-2] a flag overrides the file, a --no- flag included; lists come as a string or an array', () => {
    const file = { maxQueue: 5, ack: true, stats: true, transports: ['websocket', 'long-polling'], rateLimit: 10 };
    const s = settings(['--config', 'k.json', '--max-queue', '7', '--no-ack', '--transports', 'long-polling'], file);
    expect(s).toMatchObject({ maxQueue: 7, ack: false, stats: true, transports: ['long-polling'], rateLimit: 10 });
    expect(settings(['--config', 'k.json'], file).transports).toEqual(['websocket', 'long-polling']);
  });

  it('[SERVE-4] the burst follows the rate unless given; 0 and --no-rate-limit turn the limit off', () => {
    expect(serverOptions(settings(['--rate-limit', '5000'])).limits?.publishRate).toEqual({ perSecond: 5000, burst: 10_000 });
    expect(serverOptions(settings(['--rate-limit', '5000', '--rate-burst', '7'])).limits?.publishRate).toEqual({ perSecond: 5000, burst: 7 });
    expect(serverOptions(settings(['--no-rate-limit'])).limits?.publishRate).toBe(false);
    expect(serverOptions(settings(['--config', 'k.json'], { rateLimit: false })).limits?.publishRate).toBe(false);
  });

  it('[SERVE-3] a value read from the file names the file and the key', () => {
    expect(() => settings(['--config', 'k.json'], { timeout: -1 })).toThrow('k.json: "timeout" must be a whole number from 0 to 86400000, got -1');
    expect(() => settings(['--config', 'k.json'], { allowedOrigins: ['app.example'] })).toThrow('"allowedOrigins" must be a comma-separated list of origins');
  });

  it('[SERVE-1] --help reads no file and checks no value', () => {
    const command = readServeCommand(['serve', '--help', '--config', 'missing.json', '--max-queue', 'x'], () => {
      throw new Error('read');
    });
    expect(command.help).toBe(true);
  });
});
