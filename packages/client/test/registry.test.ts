/** [CLI-8] Transports are one interface in a registry; the environment decides what is usable. */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { defaultEnv } from '#globals';
import { ALL_TRANSPORTS, createClient, getTransport, registerTransport, registeredTransports } from '../src/index.js';
import { onCleanup } from './helpers/cleanup.js';
import { never, okReply, scripted } from './helpers/scripted-transport.js';

describe('transport registry', () => {
  it('[CLI-8] every built-in transport is registered under its name', () => {
    expect(registeredTransports()).toEqual(expect.arrayContaining([...ALL_TRANSPORTS]));
    for (const name of ALL_TRANSPORTS) expect(getTransport(name)?.name).toBe(name);
  });

  it('[CLI-8] in Node the `node` condition picks ws and a cookie jar; DOM-only transports are unusable', () => {
    const env = defaultEnv();
    expect(env.WebSocket).toBe(WebSocket);
    expect(env.cookies).toBeDefined();
    const url = 'http://127.0.0.1:1/bayeux';
    expect(getTransport('callback-polling')?.isUsable(env, url)).toBe(false);
    expect(getTransport('forever-frame')?.isUsable(env, url)).toBe(false);
    for (const name of ['websocket', 'long-polling', 'eventsource', 'multipart-mime']) expect(getTransport(name)?.isUsable(env, url)).toBe(true);
  });

  it('[CLI-8] a registered transport is used by name; unusable ones are neither advertised nor tried', async () => {
    let connects = 0;
    const custom = scripted('custom', (m) => (m.channel === '/meta/connect' && ++connects > 1 ? never() : okReply(m)));
    registerTransport(custom.factory);
    const client = createClient('http://fake/bayeux', { transports: ['callback-polling', 'custom'] });
    onCleanup(() => client.disconnect());
    await client.whenConnected();
    expect(client.transport).toBe('custom');
    expect(custom.sent()[0]?.supportedConnectionTypes).toEqual(['custom']);
    expect(() => createClient('http://fake/bayeux', { transports: ['nope'] })).toThrow(/unknown transport "nope"/);
  });
});
