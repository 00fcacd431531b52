/**
 * What the inspector page shows, as a pure model: the live sessions (with the transport each one
 * last used and its subscriptions), the channels with their subscriber counts, and a bounded
 * timeline of lifecycle events. The server feeds it Kuiper's events; it knows nothing of sockets.
 */

export type TimelineKind = 'session added' | 'session removed' | 'channel added' | 'channel removed';

export interface TimelineEntry {
  readonly seq: number;
  readonly at: number;
  readonly kind: TimelineKind;
  /** The clientId or the channel the event is about. */
  readonly subject: string;
  /** Why a session was removed (`disconnect`, `pruned`, …). */
  readonly reason?: string;
}

export interface InspectedSession {
  readonly clientId: string;
  readonly name: string | undefined;
  readonly transport: string | undefined;
  readonly subscriptions: readonly string[];
}

export interface InspectorSnapshot {
  readonly sessions: readonly InspectedSession[];
  readonly channels: readonly { readonly channel: string; readonly subscribers: number }[];
  readonly timeline: readonly TimelineEntry[];
}

interface SessionRecord {
  name: string | undefined;
  transport: string | undefined;
  readonly subscriptions: Set<string>;
}

export class InspectorModel {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly channels = new Map<string, number>();
  private timeline: TimelineEntry[] = [];
  private seq = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly keep = 200,
  ) {}

  sessionAdded(clientId: string): void {
    if (!this.sessions.has(clientId)) this.sessions.set(clientId, { name: undefined, transport: undefined, subscriptions: new Set() });
    this.note('session added', clientId);
  }

  sessionRemoved(clientId: string, reason: string): void {
    const record = this.sessions.get(clientId);
    this.sessions.delete(clientId);
    for (const channel of record?.subscriptions ?? []) this.count(channel, -1);
    this.note('session removed', clientId, reason);
  }

  /** Who a session belongs to and the transport its latest message came on; false when nothing changed. */
  sessionSeen(clientId: string, transport: string, name: string | undefined): boolean {
    const record = this.sessions.get(clientId);
    if (!record || (record.transport === transport && record.name === name)) return false;
    record.transport = transport;
    record.name = name;
    return true;
  }

  channelAdded(channel: string): void {
    if (!this.channels.has(channel)) this.channels.set(channel, 0);
    this.note('channel added', channel);
  }

  channelRemoved(channel: string): void {
    this.channels.delete(channel);
    this.note('channel removed', channel);
  }

  subscribed(clientId: string, channel: string): void {
    const record = this.sessions.get(clientId);
    if (!record || record.subscriptions.has(channel)) return;
    record.subscriptions.add(channel);
    this.count(channel, +1);
  }

  unsubscribed(clientId: string, channel: string): void {
    if (this.sessions.get(clientId)?.subscriptions.delete(channel)) this.count(channel, -1);
  }

  snapshot(): InspectorSnapshot {
    return {
      sessions: [...this.sessions].map(([clientId, r]) => ({
        clientId,
        name: r.name,
        transport: r.transport,
        subscriptions: [...r.subscriptions].sort(),
      })),
      channels: [...this.channels].map(([channel, subscribers]) => ({ channel, subscribers })).sort((a, b) => a.channel.localeCompare(b.channel)),
      timeline: this.timeline,
    };
  }

  private count(channel: string, delta: number): void {
    // A subscription to a channel the engine has not announced yet still counts.
    this.channels.set(channel, Math.max(0, (this.channels.get(channel) ?? 0) + delta));
  }

  private note(kind: TimelineKind, subject: string, reason?: string): void {
    const entry: TimelineEntry = { seq: ++this.seq, at: this.now(), kind, subject, ...(reason === undefined ? {} : { reason }) };
    // Newest first; the oldest fall off so a long-running demo stays small.
    this.timeline = [entry, ...this.timeline].slice(0, this.keep);
  }
}
