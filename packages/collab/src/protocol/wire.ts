/**
 * One end of a collab link over any JSON transport: typed messages out as wire messages (chunked to
 * the transport's limit), wire messages in through reassembly and validation. An adapter (Kuiper
 * channels, the test network) keeps one reader per peer and resets it when the peer disconnects.
 */
import { ChunkAssembler, isChunk, splitForWire, type AssemblerOptions, type SplitOptions } from './chunks.js';
import type { Result } from './errors.js';
import { parseClientMessage, parseServerMessage, toWire, type ClientMessage, type ServerMessage, type WireMessage } from './messages.js';

/** A message as wire messages; a large binary field's pieces are shared per array (COLLAB-7). */
export function writeWire(message: ClientMessage | ServerMessage, options: SplitOptions): WireMessage[] {
  return splitForWire(toWire(message), options, message as unknown as { readonly [field: string]: unknown });
}

export class WireReader<M> {
  private readonly assembler: ChunkAssembler;

  constructor(private readonly parse: (data: unknown) => Result<M>, options?: AssemblerOptions) {
    this.assembler = new ChunkAssembler(options);
  }

  /** A message, an error value, or undefined while a chunked transfer is incomplete. */
  read(data: unknown): Result<M> | undefined {
    // Nearly every message is whole (an edit's relay, an ack): parsed as it is, without the
    // assembler's wrapper object.
    if (!isChunk(data)) return this.parse(data);
    const assembled = this.assembler.accept(data);
    if (assembled.kind === 'pending') return undefined;
    if (assembled.kind === 'error') return { ok: false, error: assembled.error };
    return this.parse(assembled.data);
  }

  reset(): void {
    this.assembler.reset();
  }
}

/** The server reads what members send. */
export const clientMessageReader = (options?: AssemblerOptions & { maxPresenceBytes?: number }): WireReader<ClientMessage> =>
  new WireReader((data) => parseClientMessage(data, options?.maxPresenceBytes), options);

/** A member reads what the server sends. */
export const serverMessageReader = (options?: AssemblerOptions): WireReader<ServerMessage> => new WireReader(parseServerMessage, options);
