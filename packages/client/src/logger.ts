/**
 * A tiny namespaced logger. Silent by default: a library must not write to the console unless
 * asked to. Turn it on with the `log` client option or the `KUIPER_LOG` environment variable.
 */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

export type LogSink = (level: Exclude<LogLevel, 'silent'>, namespace: string, message: string, detail?: unknown) => void;

export interface Logger {
  readonly namespace: string;
  error(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  debug(message: string, detail?: unknown): void;
  child(name: string): Logger;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

function envLevel(): LogLevel | undefined {
  // `process` is absent in browsers; read it defensively so this module stays isomorphic.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['KUIPER_LOG'];
  return value !== undefined && value in RANK ? (value as LogLevel) : undefined;
}

const consoleSink: LogSink = (level, namespace, message, detail) => {
  const line = `[${namespace}] ${message}`;
  if (detail === undefined) console[level](line);
  else console[level](line, detail);
};

export function createLogger(namespace: string, level?: LogLevel, sink: LogSink = consoleSink): Logger {
  const threshold = RANK[level ?? envLevel() ?? 'silent'];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (message: string, detail?: unknown) => {
    if (RANK[lvl] <= threshold) sink(lvl, namespace, message, detail);
  };
  return {
    namespace,
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    child: (name) => createLogger(`${namespace}:${name}`, level, sink),
  };
}
