/**
 * Room lifecycle hooks (SPEC: LIFE-*): what the server runs when a channel gets its first
 * subscriber, loses its last one, or a session ends — on every node, wherever it happened. The
 * engine decides first/last (atomically, once in the cluster) and hands each node every event; this
 * runs the hooks registered on this node, one event at a time per channel, so a document saved on
 * `vacated` is saved before the next `occupied` loads it, and a subscribe waits for its channel's
 * hooks in flight on this node before it is answered.
 */
import { BayeuxError, bayeuxError, channelKind, isWildcard, patternMatches } from '@kuiper/protocol';
import type { Engine, LifecycleEvent } from './engine.js';
import { engineUnavailable } from './replies.js';
import type { ExtensionContext } from './extension.js';
import { createLogger } from './log.js';
import type { SessionInfo } from './security.js';

const log = createLogger('lifecycle');

export type ChannelOccupiedEvent = Extract<LifecycleEvent, { type: 'occupied' }>;
export type ChannelVacatedEvent = Extract<LifecycleEvent, { type: 'vacated' }>;
export type SessionRemovedEvent = Extract<LifecycleEvent, { type: 'removed' }>;

export type LifecycleHook<E> = (event: E) => void | Promise<void>;

interface Registered<E> {
  readonly pattern: string;
  readonly hook: LifecycleHook<E>;
}

const noop = (): void => {};

/**
 * [LIFE-6] A hook on `pattern` sees a channel's events when the channel is `pattern` itself or a
 * concrete channel `pattern` matches: `/rooms/**` sees `/rooms/a/doc`, not a `/rooms/*` subscription.
 */
function sees(pattern: string, channel: string): boolean {
  return pattern === channel || (!isWildcard(channel) && patternMatches(pattern, channel));
}

export class LifecycleHooks {
  private occupied: Registered<ChannelOccupiedEvent>[] = [];
  private vacated: Registered<ChannelVacatedEvent>[] = [];
  private removed: LifecycleHook<SessionRemovedEvent>[] = [];
  /** Per channel: the last event's run (it rejects if an occupied hook threw) and the chain's tail (never rejects). */
  private readonly runs = new Map<string, { done: Promise<void>; tail: Promise<void> }>();

  onOccupied(pattern: string, hook: LifecycleHook<ChannelOccupiedEvent>): () => void {
    const entry = { pattern, hook };
    this.occupied = [...this.occupied, entry];
    return () => {
      this.occupied = this.occupied.filter((e) => e !== entry);
    };
  }

  onVacated(pattern: string, hook: LifecycleHook<ChannelVacatedEvent>): () => void {
    const entry = { pattern, hook };
    this.vacated = [...this.vacated, entry];
    return () => {
      this.vacated = this.vacated.filter((e) => e !== entry);
    };
  }

  onRemoved(hook: LifecycleHook<SessionRemovedEvent>): () => void {
    this.removed = [...this.removed, hook];
    return () => {
      this.removed = this.removed.filter((h) => h !== hook);
    };
  }

  /**
   * The engine's `onLifecycle`. Resolves when this node's hooks for the event ran; rejects only when
   * an occupied hook threw (LIFE-2). Other hooks' failures are logged (LIFE-3, LIFE-4).
   */
  readonly handle = (event: LifecycleEvent): Promise<void> => {
    switch (event.type) {
      case 'occupied': {
        const hooks = this.occupied.filter((e) => sees(e.pattern, event.channel));
        // A channel no hook watches costs nothing more (a private channel per user, say).
        if (hooks.length === 0 && !this.runs.has(event.channel)) return Promise.resolve();
        return this.queue(event.channel, async () => {
          // In registration order; the first that throws fails the subscribe. Its error is made a
          // protocol one here, so the engine's own failures can be told apart from it (ENG-6).
          try {
            for (const { hook } of hooks) await hook(event);
          } catch (err) {
            if (err instanceof BayeuxError) throw err;
            log.error(`occupied hook of ${event.channel} failed`, err);
            throw bayeuxError('server_error', event.channel);
          }
        });
      }
      case 'vacated': {
        const hooks = this.vacated.filter((e) => sees(e.pattern, event.channel));
        if (hooks.length === 0 && !this.runs.has(event.channel)) return Promise.resolve();
        return this.queue(event.channel, () => runAll(hooks.map((e) => e.hook), event));
      }
      case 'removed':
        return runAll(this.removed, event);
    }
  };

  /**
   * [LIFE-2] Resolves when the hooks of `channel` in flight on this node have run; rejects if the
   * last of them was an occupied hook that threw (a subscribe waiting on it fails too).
   */
  settled(channel: string): Promise<void> {
    return this.runs.get(channel)?.done ?? Promise.resolve();
  }

  /** Runs `run` after the channel's earlier events: one event at a time per channel, in order. */
  private queue(channel: string, run: () => Promise<void>): Promise<void> {
    const before = this.runs.get(channel)?.tail ?? Promise.resolve();
    const done = before.then(run);
    const tail = done.then(noop, noop);
    const entry = { done, tail };
    this.runs.set(channel, entry);
    // Forgotten once nothing else was queued behind it, so idle channels cost no memory.
    void tail.then(() => {
      if (this.runs.get(channel) === entry) this.runs.delete(channel);
    });
    return done;
  }
}

async function runAll<E extends LifecycleEvent>(hooks: readonly LifecycleHook<E>[], event: E): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(event);
    } catch (err) {
      log.error(`${event.type} hook failed`, err);
    }
  }
}

/**
 * Subscribes (or unsubscribes) a session to each pattern of one request, in order. [SUB-4] A
 * `/service/**` pattern records nothing. [LIFE-2] A new subscription waits for this node's hooks of
 * its channel in flight (the first member's document loading); if an occupied hook throws (or the
 * engine fails) every subscription the request made is undone (SUB-2) and the error returned: the
 * hook's own BayeuxError, else `500:<channel>:server_error` (LifecycleHooks made it); an engine that
 * failed gives `503::engine_unavailable` (ENG-6).
 */
export async function applySubscriptions(
  engine: Engine,
  lifecycle: Pick<LifecycleHooks, 'settled'> | undefined,
  clientId: string,
  patterns: readonly string[],
  add: boolean,
): Promise<BayeuxError | undefined> {
  const added: string[] = [];
  try {
    for (const pattern of patterns) {
      if (channelKind(pattern) === 'service') continue;
      if (!add) await engine.unsubscribe(clientId, pattern);
      else if ((await engine.subscribe(clientId, pattern)) === 'added') {
        added.push(pattern);
        await lifecycle?.settled(pattern);
      }
    }
    return undefined;
  } catch (err) {
    for (const pattern of added) await engine.unsubscribe(clientId, pattern).catch((e: unknown) => log.error('undo failed', e));
    return engineUnavailable(err);
  }
}

/**
 * [LIFE-7] The extension context of one message: the session its clientId names (ids longer than
 * `maxClientIdLength` are refused by the codec, LIMIT-9), looked up once per batch (`known`); a shared
 * engine answers from its per-node cache, so this costs no round trip once a session is known.
 */
export async function withSession(
  engine: Engine,
  base: ExtensionContext,
  clientId: unknown,
  known: Map<string, Promise<SessionInfo | undefined>> | undefined,
  maxClientIdLength: number,
): Promise<ExtensionContext> {
  if (typeof clientId !== 'string' || clientId.length > maxClientIdLength) return base;
  // A batch of one message (most are) keeps no map.
  let found = known?.get(clientId);
  if (!found) {
    found = engine.session(clientId);
    known?.set(clientId, found);
  }
  let session: SessionInfo | undefined;
  try {
    session = await found;
  } catch (err) {
    throw engineUnavailable(err); // [ENG-6]
  }
  // A literal, not a spread: one per message.
  return { transport: base.transport, engine: base.engine, session };
}
