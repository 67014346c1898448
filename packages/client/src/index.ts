import { clientCredentials, DEFAULT_AUDIENCE, DEFAULT_TOKEN_URL, type TokenProvider } from './core/auth.js';
import { ScaleGenError } from './core/errors.js';
import { createTransport, type Logger, type LogLevel } from './core/request.js';
import type { BackoffOptions } from './core/retry.js';
import { Inference } from './resources/inference.js';

export type { TokenProvider } from './core/auth.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DeploymentFailedError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ScaleGenError,
  UnprocessableEntityError,
  WaitTimeoutError,
} from './core/errors.js';
export type { Logger, LogLevel, RequestOptions, WithResponse } from './core/request.js';
export { type BackoffOptions, parseRetryAfter, retryDelay } from './core/retry.js';
export type { components, operations, paths } from './generated/schema.js';
export { rawClient } from './raw.js';
export type { ForceParams, Inference, Result, WaitOptions } from './resources/inference.js';
export type * from './types.js';

/** The production API, from the spec's `servers`. */
export const DEFAULT_BASE_URL = 'https://prod-api.scalegen.ai';

/** Settings of {@link createClient}; every one is optional. */
export interface ClientOptions {
  /** The API's base URL (default `SCALEGEN_BASE_URL`, else `https://prod-api.scalegen.ai`). */
  baseUrl?: string;
  /**
   * A bearer token, or a function that returns one (called before each request, and with
   * `{ refresh: true }` after a 401). Default: `SCALEGEN_ACCESS_TOKEN`.
   */
  token?: string | TokenProvider;
  /** Access key id, traded with `keySecret` for tokens (default `SCALEGEN_ACCESS_KEY_ID`). */
  keyId?: string;
  /** Access key secret (default `SCALEGEN_ACCESS_KEY_SECRET`). Never logged, never in an error. */
  keySecret?: string;
  /** Token URL of the client-credentials exchange (default the spec's). */
  tokenUrl?: string;
  /** `audience` of the client-credentials exchange (default `api.scaletorch.ai`). */
  audience?: string;
  /** Time limit of each attempt, in ms (default 60000; `0` or `Infinity`: none). */
  timeout?: number;
  /** Retries after a failed attempt, where the retry policy allows one (default 2). */
  maxRetries?: number;
  /** Delays between attempts. */
  backoff?: BackoffOptions;
  /** The `fetch` to use (default the global one); called as `fetch(url, init)`. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Where log lines go (default `console`). */
  logger?: Logger;
  /** How much to log (default `SCALEGEN_LOG`, else `warn`). */
  logLevel?: LogLevel;
}

/** The client: one property per API resource. */
export interface ScaleGenClient {
  /** Inference deployments: create, list, get, delete, start, stop, waitUntilReady. */
  readonly inference: Inference;
  /** The base URL every request goes to (no trailing slash). */
  readonly baseUrl: string;
  /**
   * Sends a `Request` with the client's credentials and headers, once (no retries, no timeout):
   * the way out for anything the methods do not cover; {@link rawClient} builds on it.
   */
  fetch(request: Request): Promise<Response>;
}

/**
 * Creates a client. Options not given come from the environment (`SCALEGEN_ACCESS_TOKEN`,
 * `SCALEGEN_ACCESS_KEY_ID` + `SCALEGEN_ACCESS_KEY_SECRET`, `SCALEGEN_BASE_URL`, `SCALEGEN_LOG`)
 * when there is one, then from the defaults. Throws when no credentials are found.
 */
export function createClient(options: ClientOptions = {}): ScaleGenClient {
  const env: Record<string, string | undefined> =
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const explicit =
    options.token !== undefined || options.keyId !== undefined || options.keySecret !== undefined;
  const keyId = options.keyId ?? (explicit ? undefined : env.SCALEGEN_ACCESS_KEY_ID);
  const keySecret = options.keySecret ?? (explicit ? undefined : env.SCALEGEN_ACCESS_KEY_SECRET);
  const timeout = options.timeout ?? 60_000;
  const custom = options.fetch;
  const fetchImpl = () => custom ?? fetch;
  let token = options.token ?? (explicit ? undefined : env.SCALEGEN_ACCESS_TOKEN);
  if (token === undefined && keyId && keySecret)
    token = clientCredentials(
      keyId,
      keySecret,
      options.tokenUrl ?? DEFAULT_TOKEN_URL,
      options.audience ?? DEFAULT_AUDIENCE,
      fetchImpl,
      timeout || 60_000,
    );
  if (!token && !Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'authorization'))
    throw new ScaleGenError(
      'createClient: no credentials: pass `token` or `keyId` + `keySecret`, or set SCALEGEN_ACCESS_TOKEN',
    );
  const baseUrl = (options.baseUrl ?? env.SCALEGEN_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const logLevel = options.logLevel ?? (env.SCALEGEN_LOG as LogLevel | undefined) ?? 'warn';
  const secrets = [typeof token === 'string' ? token : '', keySecret ?? ''].filter(Boolean);
  const send = createTransport({
    baseUrl,
    token,
    timeout,
    maxRetries: options.maxRetries ?? 2,
    backoff: options.backoff,
    fetch: custom,
    headers: options.headers,
    logger: options.logger ?? console,
    logLevel,
    secrets,
  });
  return {
    inference: new Inference(send, false),
    baseUrl,
    async fetch(request) {
      const t = typeof token === 'function' ? await token({ refresh: false }) : token;
      for (const [k, v] of Object.entries(options.headers ?? {}))
        if (!request.headers.has(k)) request.headers.set(k, v);
      if (t) request.headers.set('authorization', `Bearer ${t}`);
      return fetchImpl()(request);
    },
  };
}
