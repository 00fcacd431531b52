/**
 * Which transport the session uses (CLI-13, CLI-14): the first usable one, in the client's
 * preference order, that the server also lists and that has not failed. A transport that fails
 * without having just worked is marked failed; one that worked just before gets one plain retry
 * (servers restart, networks blip). When every candidate has failed the marks are cleared for a
 * new round, and after `upgradeInterval` the ones fallen back from get another chance — at once
 * when the marks were made while the server was down (CLI-30).
 */
import type { TransportFactory } from './transport.js';

export class TransportChoice {
  private serverTypes: readonly string[] | undefined;
  private readonly proven = new Set<string>();
  private readonly failed = new Set<string>();
  /** When a transport was last marked failed; upgrades are tried upgradeInterval after it. */
  private failedAt = 0;
  /**
   * Every candidate failed, and none has worked since: the server or the network was down, not a
   * transport. A transport marked failed then (say the WebSocket tried while a restarting server
   * was not yet up, and long-polling a moment later) proves nothing about itself.
   */
  private outage = false;

  constructor(
    private readonly transports: readonly TransportFactory[],
    private readonly upgradeInterval: number,
  ) {}

  /** What the handshake reply listed in `supportedConnectionTypes`. */
  offered(types: readonly string[] | undefined): void {
    this.serverTypes = types;
  }

  pick(): TransportFactory | undefined {
    const offered = this.transports.filter((t) => !this.serverTypes || this.serverTypes.includes(t.name));
    return offered.find((t) => !this.failed.has(t.name));
  }

  worked(name: string): void {
    this.proven.add(name);
    if (!this.outage) return;
    this.outage = false;
    // What was fallen back from during the outage gets its chance at the next idle moment, not an
    // upgradeInterval later: a server restart would otherwise leave every page on long-polling for it.
    if (this.failed.size > 0) this.failedAt = 0;
  }

  /** Records a failure; true when `name` is now marked failed (fall back), false for its one retry. */
  fail(name: string): boolean {
    if (this.proven.delete(name)) return false;
    this.failed.add(name);
    this.failedAt = Date.now();
    return true;
  }

  /** Every candidate failed: a new round starts from the most preferred. */
  startOver(): void {
    this.failed.clear();
    this.outage = true;
  }

  /**
   * True when the transports fallen back from deserve another chance now; their marks are then
   * cleared. Only between exchanges (`idle`): switching drops what the old transport carries.
   */
  upgradeDue(idle: boolean): boolean {
    const every = this.upgradeInterval;
    if (!(every > 0 && this.failed.size > 0 && idle && Date.now() - this.failedAt >= every)) return false;
    this.failed.clear();
    this.failedAt = 0;
    return true;
  }
}
