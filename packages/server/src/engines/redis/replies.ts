/**
 * Script replies of the Redis engine turned into typed values: engine events, and deliveries
 * parsed from their stored JSON (SPEC: REDIS-2, REDIS-6).
 */
import type { Message } from '@kuiper/protocol';
import { decodeStored } from '../../core/codec.js';
import type { SessionInfo } from '../../core/security.js';
import type { EngineEvent, LifecycleEvent, OverflowPolicy, RemovalReason, VacateReason } from '../../core/engine.js';

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

/** Stored session data: JSON, or '' for none (REDIS-6). */
export function storedData(json: string): unknown {
  if (json === '') return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * [LIFE-1] The lifecycle entries a script returned or published (JSON, see scripts.ts; '' for
 * none) as events; `local` on the node whose script made them.
 */
export function lifecycleEvents(json: Reply, local: boolean): LifecycleEvent[] {
  if (typeof json !== 'string' || json === '') return [];
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    return [];
  }
  const events: LifecycleEvent[] = [];
  for (const entry of list(entries)) {
    const [kind, a = '', b = '', c = '', d = ''] = strings(entry);
    if (kind === 'o') events.push({ type: 'occupied', channel: a, clientId: b, data: storedData(c), local });
    else if (kind === 'v') {
      events.push({ type: 'vacated', channel: a, clientId: b, data: storedData(c), reason: d as VacateReason, local });
    } else if (kind === 'r') events.push({ type: 'removed', clientId: a, data: storedData(b), reason: c as RemovalReason, local });
  }
  return events;
}

/** [LIFE-5] The SUBSCRIBERS script's flat `id, data, id, data...` as sessions. */
export function subscriberList(r: Reply): SessionInfo[] {
  const flat = strings(r);
  const out: SessionInfo[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ clientId: flat[i] as string, data: storedData(flat[i + 1] as string) });
  return out;
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
