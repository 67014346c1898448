/** The abort reason of an attempt that ran out of time. */
export const TIMEOUT: unique symbol = Symbol('timeout');

function abortOnTimeout(ac: AbortController): void {
  ac.abort(TIMEOUT);
}

/** Whether `timeout` (ms) is a limit: `0` and `Infinity` mean none. */
export const hasLimit = (timeout: number): boolean => timeout > 0 && timeout < Infinity;

/** The signal of one attempt: the caller's signal and the attempt's time limit in one. */
export interface AttemptSignal {
  /** Aborts when the caller aborts or the time is up; `undefined` when neither can happen. */
  readonly signal: AbortSignal | undefined;
  /** Stops the timer and the listener; call it once the attempt is over. */
  done(): void;
}

/**
 * One controller and one timer per attempt, only when a time limit applies; otherwise the
 * caller's signal as it is. A signal that is already aborted aborts the attempt at once.
 */
export function attemptSignal(signal: AbortSignal | undefined, timeout: number): AttemptSignal {
  if (!hasLimit(timeout)) return { signal, done: noop };
  const ac = new AbortController();
  const timer = setTimeout(abortOnTimeout, timeout, ac);
  if (!signal) return { signal: ac.signal, done: () => clearTimeout(timer) };
  const onAbort = () => ac.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ac.signal,
    done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

function noop(): void {}

/**
 * Settles as `promise` does, or rejects with the signal's reason as soon as `signal` aborts
 * (calling `onAbort` first), whichever comes first.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort?: () => void,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(signal.reason);
    };
    if (signal.aborted) {
      // Nobody waits for `promise` any more: its rejection must not go unhandled.
      promise.catch(noop);
      return abort();
    }
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}
