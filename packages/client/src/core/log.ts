import { redact, ScaleGenError } from './errors.js';

/** The methods of a console-like logger; any of them may be missing. */
export interface Logger {
  error?(message: string): void;
  warn?(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

/** How much the client logs: nothing, errors, warnings (the default), retries, or every request and response. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';
export const LEVELS: LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** Throws a `ScaleGenError` naming `where` and the value unless `level` is `undefined` or a {@link LogLevel}. */
export function checkLevel(where: string, level: unknown): void {
  if (level !== undefined && !LEVELS.includes(level as LogLevel))
    throw new ScaleGenError(
      `${where}: logLevel must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}`,
    );
}

/** Numeric log levels: a line is written when its level is at most the client's. */
export const ERROR = 1;
export const WARN = 2;
export const INFO = 3;
export const DEBUG = 4;

/** Writes one line at a level, with every secret redacted. */
export interface Log {
  /** The client's level as a number (0 = off ... 4 = debug), to skip building lines nobody reads. */
  readonly level: number;
  (level: number, message: string, secrets: readonly string[]): void;
}

/** Builds the client's log function, at a level the client checked (see {@link checkLevel}). */
export function createLog(logger: Logger, logLevel: LogLevel): Log {
  const level = LEVELS.indexOf(logLevel);
  const log = (lvl: number, message: string, secrets: readonly string[]) => {
    if (lvl <= level) logger[LEVELS[lvl] as 'error']?.(redact(message, secrets));
  };
  return Object.assign(log, { level });
}
