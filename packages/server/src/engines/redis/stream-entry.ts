/**
 * A stream's entries and a session's place in a stream, as Redis stores them (SPEC: ENG-STREAM-*):
 * shared by the attachment, the reads, the hold and the positions the engine writes.
 */

/** A publish as stored in a stream and carried by its pub/sub channel. */
export interface StreamEntry {
  pattern: string;
  epoch: string;
  offset: number;
  /** The same publish appended to several matching streams has one id: a session gets it once. */
  pid: string;
  /** Redis's clock at the publish, in µs: orders a backlog read from several streams. */
  t: number;
  json: string;
}

export interface Position {
  epoch: string;
  offset: number;
  /** The publish id at this offset, when this node received it (ENG-STREAM-5: a stream that went back is found by it). */
  pid?: string;
}

/** 'epoch:offset' as stored in Redis, maybe stamped ('@gen.node', ENG-STREAM-8); an epoch is hex: it has no colon. */
export function parsePosition(text: string): Position {
  const at = text.indexOf(':');
  return { epoch: text.slice(0, at), offset: Number.parseInt(text.slice(at + 1), 10) || 0 };
}

export const formatPosition = (p: Position): string => `${p.epoch}:${p.offset}`;
