import { APIConnectionError, AuthenticationError, makeAPIError } from './errors.js';
import type { Fetch, FetchOptions } from './options.js';
import { untilAborted } from './signal.js';

/**
 * Returns a bearer token. `refresh` is true when the API rejected the previous one with a 401;
 * `signal` aborts when the call no longer needs the token (aborted or timed out).
 */
export type TokenProvider = (context: { refresh: boolean; signal?: AbortSignal }) => string | Promise<string>;

/** The token URL and audience of the client-credentials exchange, from the spec's `ClientCredentials` scheme. */
export const DEFAULT_TOKEN_URL = 'https://scaletorch.us.auth0.com/oauth/token';
export const DEFAULT_AUDIENCE = 'api.scaletorch.ai';

/** Where a call's bearer token comes from. */
export interface Credentials {
  /** What gives the tokens, in messages: `token exchange at <url>`, `the token provider`. */
  readonly source: string;
  /** Whether a 401 can be answered with a new token. */
  readonly refreshable: boolean;
  /** The token for the next attempt; a string when it is at hand. Rejects at once when `signal` aborts. */
  token(signal: AbortSignal | undefined): string | Promise<string> | undefined;
  /**
   * A token to use instead of `rejected`, which the API refused with a 401. Single-flight and keyed
   * by the rejected token: concurrent refreshes of one token share one, and a 401 for a token that
   * was already replaced gets the new one.
   */
  refresh(rejected: string, signal: AbortSignal | undefined): Promise<string>;
}

/** A fixed bearer token. */
export function staticToken(token: string | undefined): Credentials {
  return {
    source: 'the token',
    refreshable: false,
    token: () => token,
    refresh: async () => token ?? '',
  };
}

/**
 * One run of `start` shared by every caller until it settles. Each caller waits under its own
 * signal; when every caller has given up, the run is aborted.
 */
function singleFlight<T>(start: (signal: AbortSignal) => Promise<T>) {
  let flight: { promise: Promise<T>; ac: AbortController; waiting: number } | undefined;
  return (signal: AbortSignal | undefined): Promise<T> => {
    if (!flight) {
      const ac = new AbortController();
      const f = { ac, waiting: 0, promise: start(ac.signal) };
      const clear = () => {
        if (flight === f) flight = undefined;
      };
      f.promise.then(clear, clear);
      flight = f;
    }
    const f = flight;
    f.waiting++;
    let left = false;
    return untilAborted(f.promise, signal, () => {
      left = true;
      if (--f.waiting === 0) f.ac.abort();
    }).finally(() => {
      if (!left) f.waiting--;
    });
  };
}

/** A user's token function; its refreshes are single-flight per rejected token. */
export function tokenProvider(provide: TokenProvider): Credentials {
  let last: { rejected: string; token: Promise<string> } | undefined;
  return {
    source: 'the token provider',
    refreshable: true,
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

/** The settings of a client-credentials exchange. */
export interface KeyPair {
  keyId: string;
  keySecret: string;
  tokenUrl: string;
  audience: string;
  /** The `fetch` to call, looked up at each exchange. */
  fetch: () => Fetch;
  /** The client's extra `fetch` settings (a proxy `dispatcher`, ...), for the exchange too. */
  fetchOptions?: FetchOptions | undefined;
}

/**
 * Trades an access key id and secret for bearer tokens (OAuth 2.0 client credentials), caches each
 * token until shortly before it expires and shares one exchange between concurrent callers. The
 * exchange runs under the signals of the calls waiting for it: when they all give up, it is aborted.
 */
export function clientCredentials(keys: KeyPair): Credentials {
  const source = `token exchange at ${keys.tokenUrl}`;
  let current: string | undefined;
  let expiresAt = 0;

  async function exchange(signal: AbortSignal): Promise<string> {
    let res: Response;
    let text: string;
    try {
      res = await keys.fetch()(keys.tokenUrl, {
        ...keys.fetchOptions,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: keys.keyId,
          client_secret: keys.keySecret,
          audience: keys.audience,
        }).toString(),
        signal,
      });
      text = await res.text();
    } catch (cause) {
      const code = (cause as { cause?: { code?: unknown } })?.cause?.code;
      throw new APIConnectionError(
        `${source} failed: no response${typeof code === 'string' ? ` (${code})` : ''}`,
        { cause },
      );
    }
    let body: { access_token?: unknown; expires_in?: unknown; error_description?: unknown } | undefined;
    try {
      body = JSON.parse(text);
    } catch {}
    if (!res.ok || typeof body?.access_token !== 'string') {
      const status = res.ok ? 401 : res.status;
      const message = typeof body?.error_description === 'string' ? body.error_description : undefined;
      const err = makeAPIError(source, status, message ? { message } : undefined, text, res.headers, [
        keys.keySecret,
      ]);
      throw status === 401 || status === 403
        ? new AuthenticationError(401, err.message, err.body, res.headers)
        : err;
    }
    current = body.access_token;
    const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3_600_000;
    expiresAt = Date.now() + ttl - Math.min(60_000, ttl / 10);
    return body.access_token;
  }

  const shared = singleFlight(exchange);
  return {
    source,
    refreshable: true,
    token: (signal) => (current && Date.now() < expiresAt ? current : shared(signal)),
    refresh(rejected, signal) {
      if (current && current !== rejected && Date.now() < expiresAt) return Promise.resolve(current);
      if (current === rejected) current = undefined;
      return shared(signal);
    },
  };
}
