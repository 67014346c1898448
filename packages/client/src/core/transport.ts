import type { Credentials } from './auth.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  makeAPIError,
  NotFoundError,
  redact,
  ScaleGenError,
  scrub,
} from './errors.js';
import { applyHeaders, BAD_VALUE, BAD_VALUE_WHY, type HeaderLayer, headerLayer } from './headers.js';
import { DEBUG, INFO, type Log, WARN } from './log.js';
import type { Operation } from './operation.js';
import {
  checkSettings,
  type Fetch,
  type FetchOptions,
  type RequestOptions,
  type WithResponse,
} from './options.js';
import { type BackoffOptions, retryDelay, sleep } from './retry.js';
import { attemptSignal, TIMEOUT, untilAborted } from './signal.js';

// The request loop of every method, in small steps: `prepare` a call, make one `attempt` (token,
// headers, fetch under the attempt's timeout and the caller's signal), `classify` what came back,
// `decide` what to do next (done, refresh the token, retry after a delay, fail), `unwrap` the result.
// The retry policy it implements is the README's ("Retries").

/** The settings the transport runs with, resolved from the client options and the environment. */
export interface TransportConfig {
  baseUrl: string;
  credentials: Credentials;
  timeout: number;
  maxRetries: number;
  backoff?: BackoffOptions | undefined;
  fetch?: Fetch | undefined;
  /** The client's headers, normalized. */
  headers: HeaderLayer | undefined;
  fetchOptions?: FetchOptions | undefined;
  log: Log;
  /** Secrets that never appear in an error or a log line (key secret, static token). */
  secrets: readonly string[];
  /** The `User-Agent` to send, when the runtime lets a script set one. */
  userAgent?: string | undefined;
}

/** One call of a method: the operation and what the method was given. */
export interface Call<T> {
  op: Operation<T>;
  /** The path parameter (a deployment id), when the operation has one. */
  id?: string;
  /** The query string, with its `?`, or empty. */
  query?: string;
  /** The JSON body. */
  body?: unknown;
  options?: RequestOptions | undefined;
  /** Resolve with `{ data, response, requestId }` instead of the result alone. */
  withResponse?: boolean;
}

/**
 * Sends one call: auth, per-attempt timeout, retries, error mapping, unwrapping of `message`.
 * Resolves with the operation's result (`T`), or a {@link WithResponse} of it.
 */
export type Send = (call: Call<unknown>) => Promise<unknown>;

/** A deployment id, as the spec's `inference_id` parameter allows it (so it never needs escaping). */
const ID = /^(?!(?:list|create)$)[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** Error codes of a connection that never carried the request: the server cannot have seen it. */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT)$/;

const requestIds = new WeakMap<object, string>();

/**
 * The request id (`X-Request-Id`) of the response a result came from, to quote to support, as
 * `_request_id` is in the openai SDK, without adding anything to the result: the result of
 * `get`, `list`, `create` or `waitUntilReady`, or any object or array a method resolved with.
 * `undefined` for anything else (the API's message strings: use `withResponse` for those).
 */
export function requestIdOf(result: unknown): string | undefined {
  return typeof result === 'object' && result !== null ? requestIds.get(result) : undefined;
}

/** A call, prepared once for all its attempts. */
interface Prepared {
  op: Operation<unknown>;
  url: string;
  payload: string | undefined;
  signal: AbortSignal | undefined;
  timeout: number;
  maxRetries: number;
  headers: HeaderLayer | undefined;
  fetchOptions: FetchOptions | undefined;
  /** The client's `fetch` (for a token exchange too). */
  fetch: Fetch | undefined;
  /** The secrets of the call: the client's plus the `hf_token` values of its body. */
  secrets: readonly string[];
  withResponse: boolean;
}

/** What one attempt came to. */
type Outcome =
  | { ok: true; data: unknown; response: Response }
  | {
      ok: false;
      error: ScaleGenError;
      /** Whether the retry policy allows another attempt. */
      retry: boolean;
      response?: Response | undefined;
      /** The token the API rejected with a 401, which a refresh may replace. */
      rejected?: string | undefined;
    };

/** Builds the function every resource method calls. */
export function createTransport(config: TransportConfig): Send {
  const { baseUrl, credentials, log } = config;

  /**
   * Step 1: checks the arguments (the id, `undefined` included, of an operation with one; the
   * call's settings and headers) and resolves the call's settings, once for all its attempts.
   */
  function prepare(call: Call<unknown>): Prepared {
    const { op, id, body, options: o } = call;
    const hasId = op.prefix !== op.path;
    if (hasId && !(typeof id === 'string' && ID.test(id)))
      throw new ScaleGenError(
        `${op.name}: ${id === undefined ? 'undefined' : JSON.stringify(id)} is not a deployment id (expected what create returned as inf_id)`,
      );
    if (o) checkSettings(op.name, o as Record<string, unknown>);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return {
      op,
      url: baseUrl + op.prefix + (hasId ? id + op.suffix : '') + (call.query ?? ''),
      payload,
      signal: o?.signal,
      timeout: o?.timeout ?? config.timeout,
      maxRetries: o?.maxRetries ?? config.maxRetries,
      headers: o?.headers && headerLayer(o.headers, op.name),
      fetchOptions: o?.fetchOptions ? { ...config.fetchOptions, ...o.fetchOptions } : config.fetchOptions,
      fetch: config.fetch,
      secrets: payload ? [...config.secrets, ...bodySecrets(body)] : config.secrets,
      withResponse: call.withResponse === true,
    };
  }

  /** The token for an attempt: a fresh one in place of `rejected` after a 401 (only credentials that refresh get one). */
  function token(p: Prepared, rejected: string | undefined, signal: AbortSignal | undefined) {
    const t =
      rejected === undefined ? credentials.token(signal, p) : credentials.refresh?.(rejected, signal, p);
    return typeof t === 'object' ? untilAborted(t, signal) : t;
  }

  /** Step 2: one attempt, under its own time limit and the caller's signal; never sends after an abort. */
  async function attempt(p: Prepared, n: number, rejected: string | undefined): Promise<Outcome> {
    const { op, signal } = p;
    const a = attemptSignal(signal, p.timeout);
    const timedOut = () => a.signal?.reason === TIMEOUT;
    try {
      let auth: string | undefined;
      try {
        const t = token(p, rejected, a.signal);
        auth = typeof t === 'object' ? await t : t;
      } catch (e) {
        if (signal?.aborted)
          throw new APIUserAbortError(`${op.name} was aborted`, { cause: scrub(e, p.secrets) });
        if (timedOut())
          return failure(
            new APIConnectionTimeoutError(
              `${op.name} timed out after ${p.timeout} ms waiting for ${credentials.source} (attempt ${n + 1})`,
            ),
            true,
          );
        // The token endpoint is read like any API read: transient failures are retried.
        if (e instanceof ScaleGenError) return failure(e, transient(e));
        throw e;
      }
      if (signal?.aborted) throw new APIUserAbortError(`${op.name} was aborted`);
      if (auth && BAD_VALUE.test(auth))
        throw new ScaleGenError(
          `${op.name}: the bearer token from ${credentials.source} cannot be sent: ${BAD_VALUE_WHY}`,
        );

      const headers: Record<string, string> = {};
      if (config.userAgent) headers['user-agent'] = config.userAgent;
      if (auth) headers.authorization = `Bearer ${auth}`;
      if (p.payload) headers['content-type'] = 'application/json';
      if (n) headers['x-retry-count'] = String(n);
      applyHeaders(headers, config.headers, p.headers);
      const secrets = auth ? [...p.secrets, auth] : p.secrets;
      const started = log.level >= DEBUG ? Date.now() : 0;
      if (log.level >= DEBUG) log(DEBUG, `${op.method} ${p.url}${n ? ` (retry ${n})` : ''}`, secrets);

      let res: Response | undefined;
      let text = '';
      try {
        res = await (config.fetch ?? fetch)(p.url, {
          ...p.fetchOptions,
          method: op.method,
          headers,
          body: p.payload,
          signal: a.signal,
        });
        if (res.status !== 204) text = await res.text();
      } catch (e) {
        const cause = scrub(e, secrets);
        if (signal?.aborted) throw new APIUserAbortError(`${op.name} was aborted`, { cause });
        if (timedOut())
          // A timed-out attempt may have reached the server: only reads are sent again.
          return failure(
            new APIConnectionTimeoutError(`${op.name} timed out after ${p.timeout} ms (attempt ${n + 1})`),
            op.safe,
          );
        // No response: reads are retried; other calls only when the connection was never made.
        // (What `fetch` would refuse, a bad URL or header value, was refused before it was called.)
        const code = (e as { cause?: { code?: unknown } })?.cause?.code;
        const error = new APIConnectionError(
          redact(
            `${op.name} failed: no response from ${baseUrl} (${typeof code === 'string' ? code : String((e as Error)?.message ?? e)})`,
            secrets,
          ),
          { cause },
        );
        return failure(error, op.safe || (!res && typeof code === 'string' && NOT_SENT.test(code)), res);
      }
      if (log.level >= DEBUG)
        log(
          DEBUG,
          `${op.method} ${op.path} -> ${res.status} in ${Date.now() - started} ms (attempt ${n + 1}${
            res.headers.get('x-request-id') ? `, request ${res.headers.get('x-request-id')}` : ''
          })`,
          secrets,
        );
      return classify(p, res, text, auth, secrets);
    } finally {
      a.done();
    }
  }

  /** Step 3: what a response means: the result, or an error and whether the retry policy allows another try. */
  function classify(
    p: Prepared,
    res: Response,
    text: string,
    auth: string | undefined,
    secrets: readonly string[],
  ): Outcome {
    const { op } = p;
    const status = res.status;
    let parsed: unknown;
    let parseFailed = false;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parseFailed = true;
      }
    }
    if (status >= 200 && status < 300) {
      // A 2xx that is not JSON: the body was damaged on the way; reads are asked again.
      if (parseFailed) {
        const summary = `${op.name} failed: the response body is not valid JSON`;
        return failure(
          makeAPIError(op.name, status, undefined, text, res.headers, secrets, summary),
          op.safe,
          res,
        );
      }
      // The result, unless its envelope says `success: false` or it is empty (the real server's 204
      // for "not found" and for an empty list).
      const env = parsed as { success?: unknown; message?: unknown; warning?: unknown } | null | undefined;
      if (env == null) {
        if (op.empty === 'list') return { ok: true, data: [], response: res };
        const Err = op.empty ? NotFoundError : APIError;
        const what = op.empty ? ' (no such deployment)' : '';
        return failure(
          new Err(
            status as 204,
            `${op.name} failed: the API answered ${status} with no content${what}`,
            undefined,
            res.headers,
          ),
          false,
          res,
        );
      }
      if (env.success === false)
        return failure(makeAPIError(op.name, status, env, text, res.headers, secrets), false, res);
      if (typeof env.warning === 'string') log(WARN, `${op.name}: the API warns: ${env.warning}`, secrets);
      return { ok: true, data: typeof env.success === 'boolean' ? env.message : env, response: res };
    }
    const error = makeAPIError(op.name, status, parsed, text, res.headers, secrets);
    return {
      ok: false,
      error,
      retry: retryable(op.safe, status, res.headers),
      response: res,
      rejected: status === 401 ? auth : undefined,
    };
  }

  return async function send(call: Call<unknown>): Promise<unknown> {
    const p = prepare(call);
    if (p.signal?.aborted) throw new APIUserAbortError(`${p.op.name} was aborted`);
    let n = 0;
    let rejected: string | undefined;
    let refreshed = false;
    for (;;) {
      const outcome = await attempt(p, n, rejected);
      rejected = undefined;
      // Step 5: unwrap.
      if (outcome.ok) return unwrap(outcome, p.withResponse);
      // Step 4: decide. A token the API rejected is replaced once per call, whatever the operation
      // (nothing was processed); this is not a failed attempt.
      if (outcome.rejected !== undefined && credentials.refresh && !refreshed) {
        refreshed = true;
        rejected = outcome.rejected;
        log(INFO, `${p.op.name}: token rejected (401), refreshing it`, p.secrets);
        continue;
      }
      if (!outcome.retry || n >= p.maxRetries) throw outcome.error;
      n++;
      // The server's Retry-After, the token endpoint's included (its errors carry its headers).
      const headers = outcome.response?.headers ?? (outcome.error as APIError).headers;
      const delay = retryDelay(n, headers?.get('retry-after'), config.backoff);
      log(
        INFO,
        `${p.op.name}: ${outcome.error.message}; retry ${n} of ${p.maxRetries} in ${Math.round(delay)} ms`,
        p.secrets,
      );
      await sleep(delay, p.signal, p.op.name);
    }
  };
}

function failure(error: ScaleGenError, retry: boolean, response?: Response): Outcome {
  return { ok: false, error, retry, response };
}

/**
 * The retry policy for an error answer: whatever the server says it did not process (429, or 503
 * with `Retry-After`), for every call; for reads (`safe`), whatever may be transient as well (408, 5xx).
 */
function retryable(safe: boolean, status: number, headers: Headers | undefined): boolean {
  if (status === 429 || (status === 503 && headers?.has('retry-after'))) return true;
  return safe && (status === 408 || status >= 500);
}

/** Whether a failed read (the token exchange) may succeed if asked again. */
function transient(e: ScaleGenError): boolean {
  return e instanceof APIConnectionError || (e instanceof APIError && retryable(true, e.status, e.headers));
}

function unwrap(outcome: { data: unknown; response: Response }, withResponse: boolean): unknown {
  const { data, response } = outcome;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (requestId && typeof data === 'object' && data !== null) requestIds.set(data, requestId);
  return withResponse ? { data, response, requestId } : data;
}

/** The `hf_token` values of a create request, so that no error or log line repeats them. */
function bodySecrets(body: unknown): string[] {
  const out: string[] = [];
  const b = body as { hf_token?: unknown; llm_loras?: { hf_token?: unknown }[] } | undefined;
  if (typeof b?.hf_token === 'string') out.push(b.hf_token);
  if (Array.isArray(b?.llm_loras))
    for (const l of b.llm_loras) if (typeof l?.hf_token === 'string') out.push(l.hf_token);
  return out;
}
