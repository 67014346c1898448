import type { Fetch, FetchOptions } from './options.js';
import { untilAborted } from './signal.js';

/**
 * Returns a bearer token. `refresh` is true when the API rejected the previous one with a 401;
 * `signal` aborts when the call no longer needs the token (aborted or timed out).
 */
export type TokenProvider = (context: { refresh: boolean; signal?: AbortSignal }) => string | Promise<string>;

/** How the client that asks for a token sends requests: its `fetch` and `fetchOptions` (for a token exchange). */
export interface Via {
  fetch?: Fetch | undefined;
  fetchOptions?: FetchOptions | undefined;
}

/** Where a call's bearer token comes from. */
export interface Credentials {
  /** What gives the tokens, in messages: `token exchange at <url>`, `the token provider`, ... */
  readonly source: string;
  /**
   * The token for the next attempt; a string when it is at hand. Rejects at once when `signal`
   * aborts. A token exchange started for it goes through `via`: the asking client's settings.
   */
  token(signal: AbortSignal | undefined, via?: Via): string | undefined | Promise<string | undefined>;
  /**
   * A token to use instead of `rejected`, which the API refused with a 401; absent when a 401 cannot
   * be answered with a new token. Single-flight and keyed by the rejected token: concurrent
   * refreshes of one token share one, and a 401 for a token that was already replaced gets the new one.
   */
  refresh?(rejected: string, signal: AbortSignal | undefined, via?: Via): Promise<string>;
}

/** A fixed bearer token. */
export function staticToken(token: string | undefined): Credentials {
  return { source: 'the token', token: () => token };
}

/** A user's token function; its refreshes are single-flight per rejected token. */
export function tokenProvider(provide: TokenProvider): Credentials {
  let last: { rejected: string; token: Promise<string> } | undefined;
  return {
    source: 'the token provider',
    token: (signal) => provide({ refresh: false, signal }),
    refresh(rejected, signal) {
      if (last?.rejected !== rejected) {
        const entry = { rejected, token: Promise.resolve().then(() => provide({ refresh: true })) };
        entry.token.catch(() => {
          if (last === entry) last = undefined;
        });
        last = entry;
      }
      return untilAborted(last.token, signal);
    },
  };
}
