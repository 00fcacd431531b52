// Minimal typings for the parts of faye 1.4 the tests use (faye ships none).
declare module 'faye' {
  import type { Server } from 'node:http';
  import type { Message } from '@kuiper/protocol';
  /** What faye hands its extensions: a Bayeux message, with whatever else a client put in it. */
  export type FayeMessage = Message & { [key: string]: unknown };
  export interface FayeExtension {
    incoming?(message: FayeMessage, callback: (message: FayeMessage) => void): void;
    outgoing?(message: FayeMessage, callback: (message: FayeMessage) => void): void;
  }
  export class NodeAdapter {
    constructor(options: { mount: string; timeout?: number; ping?: number });
    attach(server: Server): void;
    addExtension(extension: FayeExtension): void;
    getClient(): { publish(channel: string, data: unknown): Promise<unknown> };
    close(): void;
    on(event: string, listener: (...args: unknown[]) => void): void;
  }
  const Faye: { NodeAdapter: typeof NodeAdapter };
  export default Faye;
}
