import type { Writable } from 'node:stream';
import { pino } from 'pino';

/** One request as the access log writes it. */
export interface AccessEntry {
  request_id: string;
  /** The tenant's name (keys mode) or the start of its token's hash (open mode); never a token. */
  tenant?: string;
  method: string;
  /** Without the query string, cut at 200 characters. */
  path: string;
  /** The answer's status; 499 when the client went away before it was sent. */
  status: number;
  duration_ms: number;
  /** Why the request was refused before it reached the API (`rate_limit`, `unauthorized`, ...). */
  reason?: string;
}

/** Where the access log goes: `true` for stdout, a writable stream, or `false` for nowhere. */
export type LogDestination = boolean | Writable;

/**
 * The access log: one JSON line per request (pino), with the time, tenant, method, path, status, duration
 * and request id. Nothing from a request's headers or body is logged, and pino's redaction removes any
 * field named like a secret should one ever be added to an entry.
 */
export function accessLog(destination: LogDestination) {
  if (destination === false) return undefined;
  const logger = pino(
    {
      base: { service: 'sgi-mock' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      redact: {
        paths: ['authorization', 'token', 'hf_token', 'key', 'secret', 'headers', 'body', '*.authorization'],
        remove: true,
      },
    },
    destination === true ? pino.destination({ dest: 1, sync: false }) : destination,
  );
  return {
    request(entry: AccessEntry): void {
      logger.info(entry, 'request');
    },
    /** Writes what is buffered (before the process exits). */
    flush(): void {
      logger.flush();
    },
  };
}

export type AccessLog = NonNullable<ReturnType<typeof accessLog>>;
