import type { Credentials, Via } from './auth.js';
import {
  APIConnectionError,
  AuthenticationError,
  makeAPIError,
  redact,
  ScaleGenError,
  scrub,
} from './errors.js';
import { untilAborted } from './signal.js';

// The key pair's token exchange (OAuth 2.0 client credentials). It is part of the bundle, not
// loaded on demand: a failed dynamic `import()` is cached by Node's and browsers' module loaders,
// so a chunk that failed to load once could never load again in that page or process.

/** The token URL and audience of the client-credentials exchange, from the spec's `ClientCredentials` scheme. */
export const DEFAULT_TOKEN_URL = 'https://scaletorch.us.auth0.com/oauth/token';
export const DEFAULT_AUDIENCE = 'api.scaletorch.ai';

/** The settings of a client-credentials exchange, as the client was given them. */
export interface KeyPairOptions {
  keyId: string;
  keySecret: string;
  /** Default {@link DEFAULT_TOKEN_URL}. */
  tokenUrl?: string | undefined;
  /** Default {@link DEFAULT_AUDIENCE}. */
  audience?: string | undefined;
  /** Run in a browser page too, where every visitor can read the secret. */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Whether this runs in a browser page, where a secret in the code is a secret for everyone. */
export function inBrowser(): boolean {
  const g = globalThis as { window?: { document?: unknown }; navigator?: unknown };
  return typeof g.window?.document !== 'undefined' && typeof g.navigator !== 'undefined';
}

/**
 * Trades an access key id and secret for bearer tokens (OAuth 2.0 client credentials), caches each
 * token until shortly before it expires and shares one exchange between concurrent callers. The
 * exchange runs under the signals of the calls waiting for it: when they all give up, it is aborted.
 * Its errors name it `token exchange at <url>`. Each exchange goes through the `fetch` and
 * `fetchOptions` of the client (or derived client) whose call needs the token. In a browser page,
 * unless the client opted in, every call is refused with a `ScaleGenError` that says why, and
 * nothing is sent.
 */
export function clientCredentials(options: KeyPairOptions): Required<Credentials> {
  const keys = {
    ...options,
    tokenUrl: options.tokenUrl ?? DEFAULT_TOKEN_URL,
    audience: options.audience ?? DEFAULT_AUDIENCE,
  };
  const source = `token exchange at ${keys.tokenUrl}`;
  if (inBrowser() && !options.dangerouslyAllowBrowser) {
    const refuse = () =>
      Promise.reject(
        new ScaleGenError(
          'a key pair in a browser shows its secret to every visitor: use a bearer token, or pass dangerouslyAllowBrowser: true to createClient',
        ),
      );
    return { source, token: refuse, refresh: refuse };
  }
  let current: string | undefined;
  let expiresAt = 0;

  async function exchange(signal: AbortSignal, via: Via | undefined): Promise<string> {
    let res: Response;
    let text: string;
    try {
      res = await (via?.fetch ?? fetch)(keys.tokenUrl, {
        ...via?.fetchOptions,
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
        `${source} failed: no response${typeof code === 'string' ? ` (${redact(code, [keys.keySecret])})` : ''}`,
        { cause: scrub(cause, [keys.keySecret]) },
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
    token: (signal, via) => (current && Date.now() < expiresAt ? current : shared(signal, via)),
    refresh(rejected, signal, via) {
      if (current && current !== rejected && Date.now() < expiresAt) return Promise.resolve(current);
      if (current === rejected) current = undefined;
      return shared(signal, via);
    },
  };
}

/**
 * One run of `start` shared by every caller until it settles (it goes through the `via` of the
 * caller that started it). Each caller waits under its own signal; when every caller has given
 * up, the run is aborted.
 */
function singleFlight<T>(start: (signal: AbortSignal, via: Via | undefined) => Promise<T>) {
  let flight: { promise: Promise<T>; ac: AbortController; waiting: number } | undefined;
  return (signal: AbortSignal | undefined, via: Via | undefined): Promise<T> => {
    if (!flight) {
      const ac = new AbortController();
      const f = { ac, waiting: 0, promise: start(ac.signal, via) };
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
