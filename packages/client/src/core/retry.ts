import { APIUserAbortError } from './errors.js';
import { MAX_DELAY, untilAborted } from './signal.js';

/** How long to wait between attempts. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms; doubles with each retry (default 500). */
  initialDelay?: number | undefined;
  /** Longest delay computed by the backoff, in ms (default 8000). */
  maxDelay?: number | undefined;
  /** Longest `Retry-After` the client waits for, in ms; a longer hint is capped to this (default 60000). */
  maxRetryAfter?: number | undefined;
}

/**
 * The `Retry-After` header in milliseconds (it holds seconds or an HTTP date), or `undefined` when
 * it is absent or unreadable. A date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 for the first retry): the server's `Retry-After`, capped
 * at `maxRetryAfter`, when it sent one; otherwise `initialDelay * 2^(retry-1)`, capped at
 * `maxDelay`, minus up to 25 % jitter.
 */
export function retryDelay(
  retry: number,
  retryAfter: string | null | undefined,
  o: BackoffOptions = {},
): number {
  const hint = parseRetryAfter(retryAfter);
  if (hint !== undefined) return Math.min(hint, o.maxRetryAfter ?? 60_000);
  const base = Math.min((o.initialDelay ?? 500) * 2 ** (retry - 1), o.maxDelay ?? 8000);
  return base * (1 - Math.random() * 0.25);
}

/**
 * Resolves after `ms` (at most {@link MAX_DELAY}: a timer cannot wait longer), or rejects with
 * {@link APIUserAbortError} as soon as `signal` aborts.
 */
export function sleep(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return untilAborted(
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(ms, MAX_DELAY));
    }),
    signal,
    () => clearTimeout(timer),
  ).catch((cause: unknown) => {
    throw new APIUserAbortError(`${what} was aborted`, { cause });
  });
}
