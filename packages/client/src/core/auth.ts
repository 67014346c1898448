import { APIConnectionError, AuthenticationError, makeAPIError } from './errors.js';

/** Returns a bearer token; `refresh` is true when the API rejected the previous one with a 401. */
export type TokenProvider = (context: { refresh: boolean }) => string | Promise<string>;

/** The token URL and audience of the client-credentials exchange, from the spec's `ClientCredentials` scheme. */
export const DEFAULT_TOKEN_URL = 'https://scaletorch.us.auth0.com/oauth/token';
export const DEFAULT_AUDIENCE = 'api.scaletorch.ai';

/**
 * Trades an access key id and secret for bearer tokens (OAuth 2.0 client credentials), caches each
 * token until shortly before it expires and shares one exchange between concurrent requests.
 */
export function clientCredentials(
  keyId: string,
  keySecret: string,
  tokenUrl: string,
  audience: string,
  fetchImpl: () => typeof fetch,
  timeout: number,
): TokenProvider {
  let token: string | undefined;
  let expiresAt = 0;
  let pending: Promise<string> | undefined;

  async function exchange(): Promise<string> {
    const op = 'token exchange';
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl()(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: keyId,
          client_secret: keySecret,
          audience,
        }).toString(),
        signal: AbortSignal.timeout(timeout),
      });
      text = await res.text();
    } catch (cause) {
      throw new APIConnectionError(`${op} failed: could not reach ${tokenUrl}`, { cause });
    }
    let body: { access_token?: unknown; expires_in?: unknown; error_description?: unknown } | undefined;
    try {
      body = JSON.parse(text);
    } catch {}
    if (!res.ok || typeof body?.access_token !== 'string') {
      const status = res.ok ? 401 : res.status;
      const message = typeof body?.error_description === 'string' ? body.error_description : undefined;
      const err = makeAPIError(op, status, message ? { message } : undefined, text, res.headers, [keySecret]);
      throw status === 401 || status === 403
        ? new AuthenticationError(401, err.message, err.body, res.headers)
        : err;
    }
    token = body.access_token;
    const ttl = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3_600_000;
    expiresAt = Date.now() + ttl - Math.min(60_000, ttl / 10);
    return body.access_token;
  }

  return ({ refresh }) => {
    if (!refresh && token && Date.now() < expiresAt) return token;
    if (refresh) token = undefined;
    pending ??= exchange().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
