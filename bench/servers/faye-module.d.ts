// faye and faye-redis ship no type declarations; this covers the part of their API the benchmark
// server uses.
declare module 'faye' {
  import type { Server } from 'node:http';
  export class NodeAdapter {
    /** engine: `{ type: <engine class>, ...its options }`; the in-memory engine when absent. */
    constructor(options: { mount: string; timeout: number; engine?: Record<string, unknown> });
    attach(server: Server): void;
    on(event: 'handshake' | 'disconnect', listener: (clientId: string) => void): void;
  }
  const faye: { NodeAdapter: typeof NodeAdapter };
  export default faye;
}

declare module 'faye-redis' {
  /** The engine class, passed to Faye as `engine.type`. */
  const engine: unknown;
  export default engine;
}
