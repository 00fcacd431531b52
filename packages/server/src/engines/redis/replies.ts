/**
 * Script replies of the Redis engine turned into typed values: engine events, and deliveries
 * parsed from their stored JSON (SPEC: REDIS-2, REDIS-6).
 */
import type { Message } from '@kuiper/protocol';
import { decodeStored } from '../../core/codec.js';
import type { EngineEvent, OverflowPolicy, RemovalReason } from '../../core/engine.js';

export type Reply = unknown;
export const list = (r: Reply): Reply[] => (Array.isArray(r) ? r : []);
export const strings = (r: Reply): string[] => list(r).map(String);

export function channelsAdded(r: Reply): EngineEvent[] {
  return strings(r).map((channel) => ({ type: 'channel:added', channel }));
}

/** Sessions a script removed, each `{id, patterns...}`: their ids and events. */
export function removals(r: Reply, reason: RemovalReason): { ids: string[]; events: EngineEvent[] } {
  const ids: string[] = [];
  const events: EngineEvent[] = [];
  for (const entry of list(r)) {
    const [id, ...patterns] = strings(entry);
    if (id === undefined) continue;
    ids.push(id);
    for (const channel of patterns) events.push({ type: 'subscription:removed', clientId: id, channel });
    events.push({ type: 'session:removed', clientId: id, reason });
  }
  return { ids, events };
}

/** Overflow entries, each `{id, dropped, policy}`. */
export function overflows(r: Reply): EngineEvent[] {
  return list(r).map((entry) => {
    const [id, dropped, policy] = list(entry);
    return { type: 'session:overflow', clientId: String(id), dropped: Number(dropped), policy: String(policy) as OverflowPolicy };
  });
}

/**
 * Parses stored deliveries, remembering the last few distinct ones: a broadcast taken by many
 * sessions on this node becomes one shared object, so its frame is encoded once (CODEC-5).
 */
export class StoredMessages {
  private readonly recent = new Map<string, Message>();

  constructor(private readonly size = 256) {}

  decode(items: Reply): Message[] {
    return strings(items).map((json) => {
      let msg = this.recent.get(json);
      if (msg === undefined) {
        msg = decodeStored(json);
        this.recent.set(json, msg);
        if (this.recent.size > this.size) this.recent.delete(this.recent.keys().next().value as string);
      }
      return msg;
    });
  }
}
