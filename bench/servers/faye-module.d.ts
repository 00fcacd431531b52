// faye ships no type declarations; this covers the part of its API the benchmark server uses.
declare module 'faye' {
  import type { Server } from 'node:http';
  export class NodeAdapter {
    constructor(options: { mount: string; timeout: number });
    attach(server: Server): void;
    on(event: 'handshake' | 'disconnect', listener: (clientId: string) => void): void;
  }
  const faye: { NodeAdapter: typeof NodeAdapter };
  export default faye;
}
