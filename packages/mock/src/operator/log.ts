import type { Writable } from 'node:stream';

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

/** Where the log goes: `true` for stdout, a writable stream, or `false` for no JSON log. */
export type LogDestination = boolean | Writable;

/** How much an event of the server matters. */
export type EventLevel = 'info' | 'warn' | 'error';

/** The server's own events: `listening`, `stopping`, `store_down`, ... with fields of their own. */
export interface ServerEvent {
  /** A short stable name, e.g. `store_down`. */
  event: string;
  /** A sentence for people. */
  msg: string;
  [field: string]: unknown;
}

/** The server's log: its requests and its own events. */
export interface OperatorLog {
  /** One line for a request (a JSON log only; without one, requests are not written). */
  request(entry: AccessEntry): void;
  /** One event of the server: a JSON line in log mode, else a line of text (stdout for info, stderr otherwise). */
  event(level: EventLevel, event: ServerEvent): void;
  /** Whether requests are logged (a JSON log). */
  readonly json: boolean;
  /** Writes what is buffered (before the process exits). */
  flush(): void;
}

/** Where events go without a JSON log: plain lines, `sgi-mock: ...`. */
export interface PlainOutput {
  out: Pick<Writable, 'write'>;
  err: Pick<Writable, 'write'>;
}

/**
 * The server's log. With a destination, every line is one JSON object (pino) with `level` as a name
 * (`info`, `warn`, `error`), `time`, `service` and `msg`: one per request (time, tenant, method, path,
 * status, duration, request id) and one per event of the server (listening, stopping, the store going
 * and coming back). Nothing from a request's headers or body is logged, and pino's redaction removes any
 * field named like a secret should one ever be added to an entry. Without one, requests are not logged
 * and events are lines of text.
 */
export async function operatorLog(
  destination: LogDestination,
  plain: PlainOutput = { out: process.stdout, err: process.stderr },
): Promise<OperatorLog> {
  if (destination === false) {
    return {
      json: false,
      request() {},
      event(level, { msg }) {
        if (level === 'info') plain.out.write(`sgi-mock: ${msg}\n`);
        else plain.err.write(`sgi-mock: ${level === 'warn' ? 'WARNING: ' : ''}${msg}\n`);
      },
      flush() {},
    };
  }
  // Loaded only when asked for: a server without a log starts without it.
  const { pino } = await import('pino');
  const logger = pino(
    {
      base: { service: 'sgi-mock' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['authorization', 'token', 'hf_token', 'key', 'secret', 'headers', 'body', '*.authorization'],
        remove: true,
      },
    },
    destination === true ? pino.destination({ dest: 1, sync: false }) : destination,
  );
  return {
    json: true,
    request(entry) {
      logger.info({ event: 'request', ...entry }, 'request');
    },
    event(level, { msg, ...fields }) {
      logger[level](fields, msg);
    },
    flush() {
      logger.flush();
    },
  };
}
