import { ScaleGenError } from './errors.js';
import type { HeadersInput } from './headers.js';

/**
 * Any fetch-compatible function. The client always calls it as `fetch(url, init)`, with a string
 * URL and a plain `init` object.
 */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Extra `fetch` settings of a call, passed through as they are (for example `keepalive`, or
 * undici's `dispatcher` for a proxy). The client sets `method`, `headers`, `body` and `signal` itself.
 */
export type FetchOptions = Omit<RequestInit, 'method' | 'headers' | 'body' | 'signal'> & {
  method?: never;
  headers?: never;
  body?: never;
  signal?: never;
  [option: string]: unknown;
};

/** Options every method takes as its last argument; each one overrides the client's setting for this call. */
export interface RequestOptions {
  /** Aborts the call, including any wait for a token or between retries: the promise rejects with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Time limit of each attempt (the token exchange included), in ms (`0`, `Infinity` or 2^31-1 ms and up: none). */
  timeout?: number | undefined;
  /** How many times to retry a failed attempt, where the retry policy allows it. */
  maxRetries?: number | undefined;
  /**
   * Headers for this call. Names match whatever their case; these win over the client's headers,
   * and `null` removes one.
   */
  headers?: HeadersInput | undefined;
  /** Extra `fetch` settings for this call (`keepalive`, a `dispatcher`, ...), merged over the client's. */
  fetchOptions?: FetchOptions | undefined;
}

/** A result together with the HTTP response it came from (the body is already read). */
export interface WithResponse<T> {
  /** The unwrapped result, as the method returns it. */
  data: T;
  /** The HTTP response. */
  response: Response;
  /** The request id (`X-Request-Id`), to quote to support. */
  requestId: string | undefined;
}

/** How a value reads in an error message: strings quoted, numbers as they are (`NaN`, `-1`). */
const shown = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * Throws a {@link ScaleGenError} naming `where`, the option and its value unless `value` is
 * `undefined` or a number >= 0 (`Infinity` included); with `whole`, a whole number. Catches `NaN`
 * (`Number(process.env.UNSET)`), negative and fractional values before anything is sent.
 */
export function checkNumber(where: string, name: string, value: unknown, whole?: boolean): void {
  if (
    value !== undefined &&
    (typeof value !== 'number' || !(value >= 0) || (whole && !Number.isSafeInteger(value)))
  )
    throw new ScaleGenError(
      `${where}: ${name} must be a ${whole ? 'whole ' : ''}number >= 0, not ${shown(value)}`,
    );
}

/** Throws a {@link ScaleGenError} unless `value` is `undefined` or an absolute http(s) URL. */
export function checkUrl(where: string, name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'string' && /^https?:\/\/[^/?#\s]/i.test(value)))
    throw new ScaleGenError(`${where}: ${name} must be an http(s) URL, not ${shown(value)}`);
}

/** Checks the settings a client or a call takes, each where it is given (see {@link checkNumber}). */
export function checkSettings(where: string, s: Record<string, unknown> | undefined): void {
  if (!s) return;
  checkNumber(where, 'timeout', s.timeout);
  checkNumber(where, 'maxRetries', s.maxRetries, true);
  const b = s.backoff as Record<string, unknown> | undefined;
  if (b)
    for (const k of ['initialDelay', 'maxDelay', 'maxRetryAfter']) checkNumber(where, `backoff.${k}`, b[k]);
  checkUrl(where, 'baseUrl', s.baseUrl);
}
