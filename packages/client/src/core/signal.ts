/** The abort reason of an attempt that ran out of time. */
export const TIMEOUT: unique symbol = Symbol('timeout');

/**
 * The longest delay a timer takes (2^31-1 ms, about 24.8 days): a longer one fires at once, with a
 * `TimeoutOverflowWarning`. A time limit at or above it is no limit; a pause is clamped to it.
 */
export const MAX_DELAY = 2_147_483_647;

function abortOnTimeout(ac: AbortController): void {
  ac.abort(TIMEOUT);
}

/** Whether `timeout` (ms) is a limit: `0`, `Infinity` and anything at or above {@link MAX_DELAY} mean none. */
export const hasLimit = (timeout: number): boolean => timeout > 0 && timeout < MAX_DELAY;

/** The callbacks of the calls listening to one signal, behind one listener of ours. */
const fans = new WeakMap<AbortSignal, { calls: Set<() => void>; listener: () => void }>();

/**
 * Calls `f` once when `signal` aborts; the returned function stops listening. Every listener of
 * the client on one signal goes through one event listener, added while any is waiting and removed
 * with the last one: many calls on one shutdown signal leave it as they found it, and never
 * trigger `MaxListenersExceededWarning`.
 */
export function onAbort(signal: AbortSignal, f: () => void): () => void {
  let fan = fans.get(signal);
  if (!fan) {
    const calls = new Set<() => void>();
    const listener = () => {
      fans.delete(signal);
      for (const g of calls) g();
    };
    fan = { calls, listener };
    fans.set(signal, fan);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { calls, listener } = fan;
  calls.add(f);
  return () => {
    if (calls.delete(f) && !calls.size && fans.get(signal) === fan) {
      fans.delete(signal);
      signal.removeEventListener('abort', listener);
    }
  };
}

/** The signal of one attempt: the caller's signal and the attempt's time limit in one. */
export interface AttemptSignal {
  /** Aborts when the caller aborts or the time is up; `undefined` when neither can happen. */
  readonly signal: AbortSignal | undefined;
  /** Stops the timer and the listener; call it once the attempt is over. */
  done(): void;
}

/**
 * One controller per attempt (with a timer when a time limit applies), following the caller's
 * signal through {@link onAbort}, so that `fetch` never listens to the caller's signal itself. A
 * signal that is already aborted aborts the attempt at once.
 */
export function attemptSignal(signal: AbortSignal | undefined, timeout: number): AttemptSignal {
  const limit = hasLimit(timeout);
  if (!limit && !signal) return { signal, done: noop };
  const ac = new AbortController();
  const timer = limit ? setTimeout(abortOnTimeout, timeout, ac) : undefined;
  let off = noop;
  if (signal?.aborted) ac.abort(signal.reason);
  else if (signal) off = onAbort(signal, () => ac.abort(signal.reason));
  return {
    signal: ac.signal,
    done() {
      clearTimeout(timer);
      off();
    },
  };
}

function noop(): void {}

/**
 * Settles as `promise` does, or rejects with the signal's reason as soon as `signal` aborts
 * (calling `abort` first), whichever comes first.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  abort?: () => void,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      // Nobody waits for `promise` any more: its rejection must not go unhandled.
      promise.catch(noop);
      abort?.();
      return reject(signal.reason);
    }
    const off = onAbort(signal, () => {
      abort?.();
      reject(signal.reason);
    });
    promise.then(
      (v) => {
        off();
        resolve(v);
      },
      (e) => {
        off();
        reject(e);
      },
    );
  });
}
