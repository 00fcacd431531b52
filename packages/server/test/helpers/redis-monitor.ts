// MONITOR over a plain socket. ioredis's own monitor() mode can throw "Command queue state error"
// when another client's HELLO shows up while it is switching modes, which happens when other test
// files connect to the same Redis at the same time (seen once in a clean-clone CI run).
import { connect, type Socket } from 'node:net';
import { REDIS_URL } from './redis.js';

/** The command names (lower case) Redis runs whose arguments mention `mark`, in the order it ran them. */
export class RedisMonitor {
  readonly seen: string[] = [];
  /** The same, without the commands scripts ran (MONITOR's `[<db> lua]`): what clients sent. */
  readonly sent: string[] = [];
  private buffered = '';
  private readonly socket: Socket;
  private readonly started: Promise<void>;
  private markers = new Map<string, () => void>();

  constructor(private readonly mark: string) {
    const url = new URL(REDIS_URL);
    this.socket = connect(Number(url.port || 6379), url.hostname);
    this.socket.setEncoding('utf8');
    // An AUTH (when REDIS_URL has a password) answers +OK before MONITOR does.
    const auth = url.password ? [decodeURIComponent(url.username || 'default'), decodeURIComponent(url.password)] : undefined;
    let oks = auth ? 2 : 1;
    this.started = new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.on('data', (text: string) => {
        this.buffered += text;
        let end: number;
        while ((end = this.buffered.indexOf('\r\n')) >= 0) {
          const line = this.buffered.slice(0, end);
          this.buffered = this.buffered.slice(end + 2);
          if (line.startsWith('-')) reject(new Error(`Redis refused MONITOR: ${line}`));
          else if (line === '+OK' && oks > 0) {
            if (--oks === 0) resolve();
          } else this.line(line);
        }
      });
    });
    if (auth) this.socket.write(`AUTH ${auth.map((a) => JSON.stringify(a)).join(' ')}\r\n`);
    this.socket.write('MONITOR\r\n');
  }

  /** Resolves once Redis has said OK: every command after this is seen. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Resolves when a command naming `marker` has been seen (so everything Redis ran before it has). */
  until(marker: string): Promise<void> {
    return new Promise((resolve) => this.markers.set(marker, resolve));
  }

  close(): void {
    this.socket.destroy();
  }

  // A line is `+<time> [<db> <addr>] "command" "arg" …`, with \" and \\ escaped inside quotes.
  private line(line: string): void {
    const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
    for (const [marker, done] of this.markers) {
      if (args.includes(marker)) {
        this.markers.delete(marker);
        done();
        return;
      }
    }
    if (!args.some((a) => a.includes(this.mark))) return;
    const name = (args[0] ?? '').toLowerCase();
    this.seen.push(name);
    if (!/^\+[0-9.]+ \[\d+ lua\]/.test(line)) this.sent.push(name);
  }
}
