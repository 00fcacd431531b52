import { describe, expect, it } from 'vitest';
import { createClient, createLogger } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { startFaye } from './helpers/faye-server.js';

describe('logger', () => {
  it('[CLI-22] is silent by default and namespaced when enabled', () => {
    const lines: string[] = [];
    const sink = (level: string, namespace: string, message: string) => lines.push(`${level} ${namespace} ${message}`);
    const quiet = createLogger('kuiper:client', undefined, sink);
    quiet.error('nothing');
    expect(lines).toEqual([]);
    const loud = createLogger('kuiper:client', 'info', sink).child('session');
    loud.debug('too detailed');
    loud.info('hello');
    expect(lines).toEqual(['info kuiper:client:session hello']);
  });

  it('[CLI-22] a client logs through its sink only when asked', async () => {
    const faye = await startFaye();
    onCleanup(() => faye.close());
    const silent: string[] = [];
    const loud: string[] = [];
    const a = createClient(faye.url, { logSink: (_l, ns) => silent.push(ns) });
    const b = createClient(faye.url, { log: 'debug', logSink: (_l, ns) => loud.push(ns) });
    onCleanup(() => a.disconnect());
    onCleanup(() => b.disconnect());
    await Promise.all([a.whenConnected(), b.whenConnected()]);
    expect(silent).toEqual([]);
    expect(loud).toContain('kuiper:client:session');
  });
});
