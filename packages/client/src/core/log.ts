import { redact } from './errors.js';

/** The methods of a console-like logger; any of them may be missing. */
export interface Logger {
  error?(message: string): void;
  warn?(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

/** How much the client logs: nothing, errors, warnings (the default), retries, or every request and response. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';
const LEVELS: LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

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

/** Builds the client's log function; an unknown level is reported once and logs warnings. */
export function createLog(logger: Logger, logLevel: LogLevel): Log {
  let level = LEVELS.indexOf(logLevel);
  if (level < 0) {
    level = WARN;
    logger.warn?.(`${JSON.stringify(logLevel)} is not a log level (${LEVELS.join(', ')}): logging warnings`);
  }
  const log = (lvl: number, message: string, secrets: readonly string[]) => {
    if (lvl <= level) logger[LEVELS[lvl] as 'error']?.(redact(message, secrets));
  };
  return Object.assign(log, { level });
}
