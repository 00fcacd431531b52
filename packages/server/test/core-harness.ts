/** A core with an in-memory engine and no I/O, for unit tests of the protocol rules. */
import type { Message, RawMessage } from '@kuiper/protocol';
import { Connector } from '../src/core/connector.js';
import { BayeuxCore, type CoreOptions, type ServiceHandler } from '../src/core/core.js';
import type { EngineEvent } from '../src/core/engine.js';
import { MemoryEngine } from '../src/engines/memory.js';

export interface Harness {
  core: BayeuxCore;
  engine: MemoryEngine;
  connector: Connector;
  services: Map<string, ServiceHandler>;
  events: EngineEvent[];
  send(...messages: RawMessage[]): Promise<Message[]>;
  handshake(): Promise<string>;
  close(): Promise<void>;
}

export function harness(
  opts: { timeout?: number; maxInterval?: number; maxQueue?: number } & Pick<CoreOptions, 'extensions' | 'policy' | 'authorizers' | 'limits'> = {},
): Harness {
  const engine = new MemoryEngine();
  const events: EngineEvent[] = [];
  engine.start({ maxInterval: opts.maxInterval ?? 10_000, interval: 0, sweepIntervalMs: 60_000, maxQueue: opts.maxQueue ?? 10_000, maxQueueBytes: 1 << 24, overflow: 'drop-oldest', onEvent: (e) => events.push(e) });
  const services = new Map<string, ServiceHandler>();
  const core = new BayeuxCore(engine, {
    timeout: opts.timeout ?? 30_000,
    interval: 0,
    maxInterval: opts.maxInterval ?? 10_000,
    connectionTypes: () => ['websocket', 'long-polling', 'callback-polling'],
    services,
    ...(opts.extensions ? { extensions: opts.extensions } : {}),
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.authorizers ? { authorizers: opts.authorizers } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const connector = new Connector(core, engine);
  const send = (...messages: RawMessage[]): Promise<Message[]> => connector.respond(messages, 'long-polling');
  return {
    core,
    engine,
    connector,
    services,
    events,
    send,
    async handshake() {
      const [reply] = await send({ channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] });
      if (!reply?.clientId) throw new Error(`handshake failed: ${JSON.stringify(reply)}`);
      return reply.clientId;
    },
    close: () => engine.close(),
  };
}
