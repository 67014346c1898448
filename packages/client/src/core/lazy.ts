import { APIConnectionError } from './errors.js';

/**
 * Code loaded on first use, with a dynamic `import()` in `load`: bundlers put it into a chunk of its
 * own, which an app that never uses it never loads. Concurrent first uses share one load. A load
 * that fails (a browser offline, say) rejects with an `APIConnectionError` naming `what`, and the
 * next use loads again. A use whose `signal` aborted while the code loaded rejects with its reason.
 */
export function lazy<T>(what: string, load: () => Promise<T>): (signal?: AbortSignal) => Promise<T> {
  let loading: Promise<T> | undefined;
  return async (signal) => {
    loading ??= load().catch((cause: unknown) => {
      loading = undefined;
      throw new APIConnectionError(
        `${what} failed: its code could not be loaded (${String((cause as Error)?.message ?? cause)})`,
        { cause },
      );
    });
    const loaded = await loading;
    signal?.throwIfAborted();
    return loaded;
  };
}
