import type { ServerResponse } from 'node:http';
import { envelope, sendJson } from '../../errors.js';

/**
 * The store cannot be reached (a shared store's database is down, restarting or refusing writes): the
 * request was not processed. The server answers `503` with `Retry-After`, and reports not ready.
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The sandbox's store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The store refuses new data for lack of room (Redis at its `maxmemory`, with `noeviction`): nothing was
 * written. A create answers `403` (the sandbox is full); reads, transitions and reset go on.
 */
export class StoreFullError extends StoreUnavailableError {
  constructor(cause: unknown) {
    super(cause);
    this.name = 'StoreFullError';
  }
}

/**
 * The store answers, but it is not the store this server was using: it was emptied (a Redis restarted
 * without persistence) or another one took its address. Serving from it would lock every partner out
 * (their keys are not in it), so the server answers `503` naming the cause until the original store is
 * back or an operator accepts the new one (`sgi-mock store accept`).
 */
export class StoreIdentityError extends StoreUnavailableError {
  constructor(
    /** What the partners are told: the cause, without any address. */
    readonly publicMessage: string,
  ) {
    super(new Error(publicMessage));
    this.name = 'StoreIdentityError';
  }
}

/** Seconds a caller is told to wait (`Retry-After`) while the store is unavailable. */
export const STORE_RETRY_AFTER_S = 1;

/** Answers the documented `503` for a request the store could not serve (it was not processed: safe to retry). */
export function storeUnavailable(res: ServerResponse, requestId?: string, error?: unknown): void {
  const body = envelope(
    error instanceof StoreIdentityError
      ? `${error.publicMessage} The request was not processed. Retry after ${STORE_RETRY_AFTER_S} second.`
      : `The sandbox's state store is unavailable: the request was not processed. Retry after ${STORE_RETRY_AFTER_S} second.`,
  );
  sendJson(res, 503, requestId ? { ...body, request_id: requestId } : body, {
    'Retry-After': String(STORE_RETRY_AFTER_S),
  });
}
