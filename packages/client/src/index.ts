import { type Credentials, staticToken, type TokenProvider, tokenProvider } from './core/auth.js';
import { ScaleGenError } from './core/errors.js';
import { applyHeaders, type HeaderLayer, type HeadersInput, headerLayer } from './core/headers.js';
import { checkLevel, createLog, LEVELS, type Logger, type LogLevel } from './core/log.js';
import { checkSettings, checkUrl, type Fetch, type FetchOptions } from './core/options.js';
import type { BackoffOptions } from './core/retry.js';
import { untilAborted } from './core/signal.js';
import { clientCredentials } from './core/token-exchange.js';
import { createTransport } from './core/transport.js';
import { Inference } from './resources/inference.js';

/** The package's version, set by the build. */
declare const __SGI_CLIENT_VERSION__: string;

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
export type { HeadersInput } from './core/headers.js';
export type { Logger, LogLevel } from './core/log.js';
export type { Fetch, FetchOptions, RequestOptions, WithResponse } from './core/options.js';
export type { BackoffOptions } from './core/retry.js';
export { requestIdOf } from './core/transport.js';
export { type DeploymentEndpoint, deploymentEndpoint } from './endpoint.js';
export type { components, operations, paths } from './generated/schema.js';
export { rawClient } from './raw.js';
export type { ForceParams, Inference, InferenceWithResponse, WaitOptions } from './resources/inference.js';
export type * from './types.js';

/** The production API, from the spec's `servers`. */
export const DEFAULT_BASE_URL = 'https://prod-api.scalegen.ai';

/**
 * Settings a derived client ({@link ScaleGenClient.withOptions}) may change. Each one may be
 * `undefined`, which keeps the value it would have without it (the client's, or the default).
 * Numbers and URLs are checked where they are given: a `ScaleGenError` names the option and the
 * value (`NaN`, a negative or fractional `maxRetries`, a base URL without `https://`).
 */
export interface ClientSettings {
  /** The API's base URL (default `SCALEGEN_BASE_URL`, else `https://prod-api.scalegen.ai`). */
  baseUrl?: string | undefined;
  /**
   * Time limit of each attempt (the token exchange included), in ms (default 60000; `0`,
   * `Infinity` or anything from 2^31-1 ms, about 24.8 days, up: none).
   */
  timeout?: number | undefined;
  /** Retries after a failed attempt, where the retry policy allows one: a whole number >= 0 (default 2). */
  maxRetries?: number | undefined;
  /** Delays between attempts. */
  backoff?: BackoffOptions | undefined;
  /** The `fetch` to use (default the global one); always called as `fetch(url, init)`. */
  fetch?: Fetch | undefined;
  /**
   * Extra `fetch` settings for every request, the token exchange included (`keepalive`, undici's
   * `dispatcher` for a proxy, ...); a call's own `fetchOptions` are merged over these.
   */
  fetchOptions?: FetchOptions | undefined;
  /**
   * Headers sent with every request. Names match whatever their case; they win over the client's
   * own (`authorization`, `content-type`, `user-agent`), `null` removes one, `undefined` is ignored.
   */
  headers?: HeadersInput | undefined;
  /** Where log lines go (default `console`). */
  logger?: Logger | undefined;
  /** How much to log (default `SCALEGEN_LOG`, else `warn`). */
  logLevel?: LogLevel | undefined;
}

/** Settings of {@link createClient} besides the credentials. */
export interface ClientBaseOptions extends ClientSettings {
  /** Token URL of the client-credentials exchange (default the spec's). */
  tokenUrl?: string | undefined;
  /** `audience` of the client-credentials exchange (default `api.scaletorch.ai`). */
  audience?: string | undefined;
  /**
   * Lets a key pair run in a browser, where every visitor could read the secret. Off by default:
   * in a browser, a key pair's calls are refused; use a bearer token (or a token function backed
   * by your server).
   */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Credentials as a bearer token or a token function (or none given: from the environment). */
export interface TokenOptions extends ClientBaseOptions {
  /**
   * A bearer token, or a function that returns one (called before each request, and with
   * `{ refresh: true }` after a 401). Default: `SCALEGEN_ACCESS_TOKEN`.
   */
  token?: string | TokenProvider | undefined;
  keyId?: undefined;
  keySecret?: undefined;
}

/** Credentials as an access key id and secret, both given (either may be `undefined`: then the environment's are used). */
export interface KeyPairClientOptions extends ClientBaseOptions {
  token?: undefined;
  /** Access key id, traded with `keySecret` for tokens (default `SCALEGEN_ACCESS_KEY_ID`). */
  keyId: string | undefined;
  /** Access key secret (default `SCALEGEN_ACCESS_KEY_SECRET`). Never logged, never in an error. */
  keySecret: string | undefined;
}

/**
 * Settings of {@link createClient}; every one is optional, but a key pair comes whole: `keyId`
 * and `keySecret` together, without `token`.
 */
export type ClientOptions = TokenOptions | KeyPairClientOptions;

/** The client: one property per API resource. */
export interface ScaleGenClient {
  /** Inference deployments: create, list, get, delete, start, stop, waitUntilReady. */
  readonly inference: Inference;
  /** The base URL every request goes to (no trailing slash). */
  readonly baseUrl: string;
  /**
   * Sends a `Request` with the client's credentials and headers (the request's own headers win),
   * once: no retries, no timeout. The way out for anything the methods do not cover;
   * {@link rawClient} builds on it.
   */
  fetch(request: Request): Promise<Response>;
  /**
   * A client with some settings changed (`timeout`, `maxRetries`, `headers`, ...), sharing this
   * one's credentials and token cache. Its `headers` are added to this client's.
   */
  withOptions(settings: ClientSettings): ScaleGenClient;
}

/**
 * Creates a client. Options not given come from the environment (`SCALEGEN_ACCESS_TOKEN`,
 * `SCALEGEN_ACCESS_KEY_ID` + `SCALEGEN_ACCESS_KEY_SECRET`, `SCALEGEN_BASE_URL`, `SCALEGEN_LOG`)
 * when there is one, then from the defaults. Throws when no credentials are found. A key pair in a
 * browser page is refused unless `dangerouslyAllowBrowser` is set: each call rejects with a
 * `ScaleGenError` before anything is sent. Every option is checked here: a `ScaleGenError` names
 * the one that is wrong and its value.
 */
export function createClient(options: ClientOptions = {}): ScaleGenClient {
  const env: Record<string, string | undefined> =
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const where = 'createClient';
  checkSettings(where, options as Record<string, unknown>);
  checkUrl(where, 'tokenUrl', options.tokenUrl);
  const baseUrl = options.baseUrl ?? env.SCALEGEN_BASE_URL ?? DEFAULT_BASE_URL;
  checkUrl(where, 'SCALEGEN_BASE_URL', baseUrl);
  const logger = options.logger ?? console;
  checkLevel(where, options.logLevel);
  let logLevel = options.logLevel;
  // An unknown SCALEGEN_LOG is reported once here; derived clients inherit the level it gave.
  logLevel ??= env.SCALEGEN_LOG as LogLevel | undefined;
  if (logLevel !== undefined && !LEVELS.includes(logLevel)) {
    logger.warn?.(
      `SCALEGEN_LOG=${JSON.stringify(logLevel)} is not a log level (${LEVELS.join(', ')}): logging warnings`,
    );
    logLevel = 'warn';
  }
  const explicit =
    options.token !== undefined || options.keyId !== undefined || options.keySecret !== undefined;
  const keyId = options.keyId ?? (explicit ? undefined : env.SCALEGEN_ACCESS_KEY_ID);
  const keySecret = options.keySecret ?? (explicit ? undefined : env.SCALEGEN_ACCESS_KEY_SECRET);
  const token = options.token ?? (explicit ? undefined : env.SCALEGEN_ACCESS_TOKEN);
  const headers = headerLayer(options.headers, where);
  let credentials: Credentials;
  if (typeof token === 'function') credentials = tokenProvider(token);
  else if (token === undefined && keyId && keySecret)
    credentials = clientCredentials({
      keyId,
      keySecret,
      tokenUrl: options.tokenUrl,
      audience: options.audience,
      dangerouslyAllowBrowser: options.dangerouslyAllowBrowser,
    });
  else credentials = staticToken(token);
  if (!token && !(keyId && keySecret) && !(headers && 'authorization' in headers))
    throw new ScaleGenError(
      'createClient: no credentials: pass `token` or `keyId` + `keySecret`, or set SCALEGEN_ACCESS_TOKEN',
    );
  const secrets = [typeof token === 'string' ? token : '', keySecret ?? ''].filter(Boolean);
  return build({ ...options, baseUrl, logger, logLevel: logLevel ?? 'warn' }, headers, credentials, secrets);
}

/**
 * The `User-Agent` of the client: its name and version and the runtime's (`sgi-client/2.0.0
 * node/20.19.0`). Only on Node.js (and runtimes that present themselves as it: Bun, Deno); a
 * browser sends its own.
 */
function userAgent(): string | undefined {
  const v = (globalThis as { process?: { versions?: { node?: string; bun?: string } } }).process?.versions;
  return v?.node && `sgi-client/${__SGI_CLIENT_VERSION__} ${v.bun ? `bun/${v.bun}` : `node/${v.node}`}`;
}

/** A client on resolved settings; `withOptions` builds another on the same credentials. */
function build(
  settings: ClientSettings,
  headers: HeaderLayer | undefined,
  credentials: Credentials,
  secrets: readonly string[],
): ScaleGenClient {
  const baseUrl = (settings.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  // The settings as they are (`backoff`, `fetch`, `fetchOptions`), with the defaults applied.
  const send = createTransport({
    ...settings,
    baseUrl,
    credentials,
    timeout: settings.timeout ?? 60_000,
    maxRetries: settings.maxRetries ?? 2,
    headers,
    log: createLog(settings.logger ?? console, settings.logLevel ?? 'warn'),
    secrets,
    userAgent: userAgent(),
  });
  return {
    inference: new Inference(send, false),
    baseUrl,
    async fetch(request) {
      const pending = credentials.token(request.signal, settings);
      const t = typeof pending === 'object' ? await untilAborted(pending, request.signal) : pending;
      const h: Record<string, string> = t ? { authorization: `Bearer ${t}` } : {};
      applyHeaders(h, headers, headerLayer(request.headers));
      const body = request.body ? await request.arrayBuffer() : undefined;
      return (settings.fetch ?? fetch)(request.url, {
        ...settings.fetchOptions,
        method: request.method,
        headers: h,
        body,
        signal: request.signal,
      });
    },
    withOptions(o) {
      checkSettings('withOptions', o as Record<string, unknown>);
      checkLevel('withOptions', o.logLevel);
      const layer = o.headers ? { ...headers, ...headerLayer(o.headers, 'withOptions') } : headers;
      // A setting given as `undefined` keeps this client's value.
      const merged: Record<string, unknown> = { ...settings };
      for (const [k, v] of Object.entries(o)) if (v !== undefined) merged[k] = v;
      return build(merged, layer, credentials, secrets);
    },
  };
}
