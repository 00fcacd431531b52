/**
 * Timers for many waits that share a few durations (held connects: nearly all wait `timeout`), at
 * no object per wait. A `setTimeout` per held connect costs a `Timeout` and its arguments array
 * (~180 bytes) for as long as the session idles; here each wait is an entry that carries its own
 * links, kept in one list per duration. A list is in deadline order by construction (same
 * duration, later start), so one Node timer per list, armed for its head, serves all its entries.
 */

/** A wait in a `DeadlineQueue`. The fields are the queue's: set and cleared by it only. */
export interface Deadline {
  /** When it is due (`performance.now()` clock). */
  due: number;
  prevDue: Deadline | undefined;
  nextDue: Deadline | undefined;
  dueList: DeadlineList | undefined;
}

/** The waits of one duration, oldest first. */
interface DeadlineList {
  readonly ms: number;
  head: Deadline | undefined;
  tail: Deadline | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The deadline the timer was armed for: what is due by then fires even if the clock lags. */
  armedFor: number;
}

export class DeadlineQueue<T extends Deadline> {
  private readonly lists = new Map<number, DeadlineList>();

  /** `fire` is called with each entry once it is due (and no longer queued). */
  constructor(private readonly fire: (entry: T) => void) {}

  /** Queues `entry` to fire `ms` from now; if it was queued already, its earlier deadline is dropped. */
  schedule(entry: T, ms: number): void {
    this.cancel(entry);
    let list = this.lists.get(ms);
    if (!list) {
      list = { ms, head: undefined, tail: undefined, timer: undefined, armedFor: 0 };
      this.lists.set(ms, list);
    }
    // Whole milliseconds: a small integer is kept in the entry itself, a fraction in a number box of its own.
    entry.due = Math.ceil(performance.now() + ms);
    entry.dueList = list;
    entry.prevDue = list.tail;
    entry.nextDue = undefined;
    if (list.tail) list.tail.nextDue = entry;
    else list.head = entry;
    list.tail = entry;
    if (!list.timer) this.arm(list);
  }

  /** Takes `entry` out of the queue (nothing happens if it is not queued). */
  cancel(entry: T): void {
    const list = entry.dueList;
    if (!list) return;
    this.unlink(list, entry);
    // The timer may stay armed for an entry gone: it then finds nothing due and re-arms.
    if (!list.head) this.drop(list);
  }

  /** Whether `entry` is waiting. */
  queued(entry: T): boolean {
    return entry.dueList !== undefined;
  }

  /** Cancels every wait (shutdown). */
  clear(): void {
    for (const list of this.lists.values()) {
      while (list.head) this.unlink(list, list.head);
      this.drop(list);
    }
  }

  private unlink(list: DeadlineList, entry: Deadline): void {
    if (entry.prevDue) entry.prevDue.nextDue = entry.nextDue;
    else list.head = entry.nextDue;
    if (entry.nextDue) entry.nextDue.prevDue = entry.prevDue;
    else list.tail = entry.prevDue;
    entry.prevDue = entry.nextDue = entry.dueList = undefined;
  }

  private drop(list: DeadlineList): void {
    if (list.timer) clearTimeout(list.timer);
    list.timer = undefined;
    if (this.lists.get(list.ms) === list) this.lists.delete(list.ms);
  }

  private arm(list: DeadlineList): void {
    const head = list.head;
    if (!head) return;
    list.armedFor = head.due;
    // Whole milliseconds, at least one: a timer never fires before its duration has passed.
    list.timer = setTimeout(expire, Math.max(1, Math.ceil(head.due - performance.now())), this, list);
  }

  /** @internal The list's timer ran: everything due fires, oldest first; the timer is re-armed for the rest. */
  expire(list: DeadlineList): void {
    list.timer = undefined;
    const limit = Math.max(list.armedFor, performance.now());
    for (let head = list.head; head && head.due <= limit; head = list.head) {
      this.unlink(list, head);
      this.fire(head as T);
    }
    // A fired entry may have queued another in this list (and armed its timer) meanwhile.
    if (!list.head) this.drop(list);
    else if (!list.timer) this.arm(list);
  }
}

function expire<T extends Deadline>(queue: DeadlineQueue<T>, list: DeadlineList): void {
  queue.expire(list);
}
