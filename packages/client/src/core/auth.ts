import { lazy } from './lazy.js';
import { shared } from './shared.js';
import { untilAborted } from './signal.js';
import type { KeyPairOptions } from './token-exchange.js';

/**
 * Returns a bearer token. `refresh` is true when the API rejected the previous one with a 401;
 * `signal` aborts when the call no longer needs the token (aborted or timed out).
 */
export type TokenProvider = (context: { refresh: boolean; signal?: AbortSignal }) => string | Promise<string>;

/** Where a call's bearer token comes from. */
export interface Credentials {
  /** What gives the tokens, in messages: `token exchange at <url>`, `the token provider`, ... */
  readonly source: string;
  /** The token for the next attempt; a string when it is at hand. Rejects at once when `signal` aborts. */
  token(signal: AbortSignal | undefined): string | undefined | Promise<string | undefined>;
  /**
   * A token to use instead of `rejected`, which the API refused with a 401; absent when a 401 cannot
   * be answered with a new token. Single-flight and keyed by the rejected token: concurrent
   * refreshes of one token share one, and a 401 for a token that was already replaced gets the new one.
   */
  refresh?(rejected: string, signal: AbortSignal | undefined): Promise<string>;
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

/**
 * Trades an access key id and secret for bearer tokens (OAuth 2.0 client credentials; see
 * `token-exchange.ts`). The exchange's code is loaded on the first call that needs a token (see
 * {@link lazy}), so an app that uses a bearer token never loads it. Once it is there, a cached token
 * is at hand synchronously again. A failed load is an `APIConnectionError`, retried like a failed
 * exchange.
 */
export function clientCredentials(keys: KeyPairOptions): Credentials {
  let loaded: Required<Credentials> | undefined;
  const load = lazy('the token exchange', () =>
    import('./token-exchange.js').then((m) => (loaded = m.exchangeCredentials(keys, shared))),
  );
  return {
    get source() {
      return loaded ? loaded.source : 'the token exchange';
    },
    token: (signal) => (loaded ? loaded.token(signal) : load(signal).then((c) => c.token(signal))),
    refresh: (rejected, signal) => load(signal).then((c) => c.refresh(rejected, signal)),
  };
}
