/**
 * Who is typing in one room (CHAT-8), kept by the room's authority: a connection that said it is
 * typing stays listed until `timeoutMs` after it last said so, or until it leaves the room. Every
 * change of the list is reported whole, as the wire's `typing` broadcast carries it.
 */
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import type { ChatAuthor, Typer } from './types.js';

export const DEFAULT_TYPING_TIMEOUT_MS = 3000;

export interface TypingBoardOptions {
  onChange: (typers: Typer[]) => void;
  timeoutMs?: number;
  clock?: Clock;
}

export class TypingBoard {
  /** Made when someone first types: a room's board exists from its opening, most never see typing. */
  private typers: Map<string, { author: ChatAuthor; timer: TimerHandle }> | undefined;
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(private readonly options: TypingBoardOptions) {
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TYPING_TIMEOUT_MS;
  }

  /** `clientId` is typing now: listed (a change only if it was not) and its expiry pushed back. */
  typing(clientId: string, author: ChatAuthor): void {
    const typers = (this.typers ??= new Map());
    const entry = typers.get(clientId);
    if (entry) this.clock.clearTimeout(entry.timer);
    const timer = this.clock.setTimeout(() => this.stop(clientId), this.timeoutMs);
    typers.set(clientId, { author, timer });
    if (!entry) this.options.onChange(this.list());
  }

  /** It stopped (expired, sent its message, or left the room). */
  stop(clientId: string): void {
    const entry = this.typers?.get(clientId);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.typers?.delete(clientId);
    this.options.onChange(this.list());
  }

  list(): Typer[] {
    return [...(this.typers ?? [])].map(([clientId, { author }]) => ({ author, clientId }));
  }

  close(): void {
    for (const { timer } of this.typers?.values() ?? []) this.clock.clearTimeout(timer);
    this.typers = undefined;
  }
}
