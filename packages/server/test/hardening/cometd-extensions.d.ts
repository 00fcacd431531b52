// cometd 9 ships no declarations for its extension modules; these are the parts the tests use.
declare module 'cometd/AckExtension.js' {
  import type { Extension, Message } from 'cometd';
  export class AckExtension implements Extension {
    incoming(message: Message): Message | null;
    outgoing(message: Message): Message | null;
  }
}

declare module 'cometd/TimeSyncExtension.js' {
  import type { Extension, Message } from 'cometd';
  export class TimeSyncExtension implements Extension {
    constructor(configuration?: { maxSamples?: number });
    incoming(message: Message): Message | null;
    outgoing(message: Message): Message | null;
    getTimeOffset(): number;
    getNetworkLag(): number;
    getServerTime(): number;
  }
}
