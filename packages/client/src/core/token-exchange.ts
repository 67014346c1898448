import type { Credentials } from './auth.js';
import type { APIConnectionError, AuthenticationError, makeAPIError } from './errors.js';
import type { Fetch, FetchOptions } from './options.js';
import type { untilAborted } from './signal.js';

// The key pair's token exchange, loaded on demand by `clientCredentials` (auth.ts): only a client
// with a key pair needs it, and a browser refuses key pairs by default.

/**
 * What the exchange uses of the client's core. `clientCredentials` hands it over instead of this
 * module importing it, so that this module imports nothing at run time: a bundler then makes it a
 * chunk of its own, without moving the core into a chunk shared by both. The errors are the core's
 * classes, so `instanceof` works as for any other error.
 */
export interface Core {
  APIConnectionError: typeof APIConnectionError;
  AuthenticationError: typeof AuthenticationError;
  makeAPIError: typeof makeAPIError;
  untilAborted: typeof untilAborted;
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
 * `source` names the exchange in its errors (`token exchange at <url>`).
 */
export function exchangeCredentials(keys: KeyPair, source: string, core: Core): Credentials {
  const { APIConnectionError, AuthenticationError, makeAPIError } = core;
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

  const shared = singleFlight(exchange, core.untilAborted);
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

/**
 * One run of `start` shared by every caller until it settles. Each caller waits under its own
 * signal; when every caller has given up, the run is aborted.
 */
function singleFlight<T>(start: (signal: AbortSignal) => Promise<T>, untilAborted: Core['untilAborted']) {
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
