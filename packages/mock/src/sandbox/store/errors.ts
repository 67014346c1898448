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

/** Seconds a caller is told to wait (`Retry-After`) while the store is unavailable. */
export const STORE_RETRY_AFTER_S = 1;
