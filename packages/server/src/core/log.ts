/**
 * One small namespaced logger. Level comes from KUIPER_LOG (silent | error | warn | info | debug);
 * the default is `info` for programs and `silent` under tests (vitest sets KUIPER_LOG=silent), so
 * tests never print noise and a user running `kuiper serve` sees the one "listening" line.
 */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

const ORDER: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

function envLevel(): LogLevel {
  const raw = typeof process !== 'undefined' ? process.env['KUIPER_LOG'] : undefined;
  return raw !== undefined && raw in ORDER ? (raw as LogLevel) : 'info';
}

let current: LogLevel = envLevel();

export function setLogLevel(level: LogLevel): void {
  current = level;
}

export interface Logger {
  error(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  info(msg: string, ...rest: unknown[]): void;
  debug(msg: string, ...rest: unknown[]): void;
}

export function createLogger(namespace: string): Logger {
  const at =
    (level: Exclude<LogLevel, 'silent'>) =>
    (msg: string, ...rest: unknown[]): void => {
      if (ORDER[current] < ORDER[level]) return;
      const line = `[kuiper:${namespace}] ${msg}`;
      if (level === 'error' || level === 'warn') console.error(line, ...rest);
      else console.log(line, ...rest);
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
