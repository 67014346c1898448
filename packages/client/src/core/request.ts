import type { TokenProvider } from './auth.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  makeAPIError,
  NotFoundError,
  redact,
  ScaleGenError,
} from './errors.js';
import { type BackoffOptions, retryDelay, sleep } from './retry.js';

/** Options every method takes as its last argument; each one overrides the client's setting for this call. */
export interface RequestOptions {
  /** Aborts the call, including any wait between retries: the promise rejects with `APIUserAbortError`. */
  signal?: AbortSignal;
  /** Time limit of each attempt, in ms (`0` or `Infinity`: none). */
  timeout?: number;
  /** How many times to retry a failed attempt, where the retry policy allows it. */
  maxRetries?: number;
  /** Extra headers for this call. */
  headers?: Record<string, string>;
}

/** A result together with the HTTP response it came from (the body is already read). */
export interface WithResponse<T> {
  /** The unwrapped result, as the method returns it. */
  data: T;
  /** The HTTP response. */
  response: Response;
  /** The request id (`X-Request-Id`), to quote to support. */
  requestId: string | undefined;
}

/** The methods of a console-like logger; any of them may be missing. */
export interface Logger {
  error?(message: string): void;
  warn?(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

/** How much the client logs: nothing, errors, warnings (the default), retries, or every request. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';
const LEVELS: LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** What the transport needs to know about one operation. */
export interface Operation {
  /** Its name in messages: `inference.get`. */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path, up to the deployment id when the operation takes one. */
  readonly path: string;
  /** The rest of the path after the id. */
  readonly suffix?: string;
  /**
   * Whether a retry is harmless whatever happened to the first attempt (reads). Other calls are
   * retried only when the server cannot have processed them.
   */
  readonly safe: boolean;
  /** What a 204 (no content) means: a not-found deployment, or an empty list. */
  readonly empty?: 'notFound' | 'list';
}

/** The settings the transport runs with, resolved from the client options and the environment. */
export interface TransportConfig {
  baseUrl: string;
  token: string | TokenProvider | undefined;
  timeout: number;
  maxRetries: number;
  backoff: BackoffOptions | undefined;
  fetch: typeof fetch | undefined;
  headers: Record<string, string> | undefined;
  logger: Logger;
  logLevel: LogLevel;
  /** Secrets that never appear in an error or a log line (key secret, static token). */
  secrets: string[];
}

/** Sends one operation: auth, per-attempt timeout, retries, error mapping, unwrapping of `message`. */
export type Send = <T>(
  op: Operation,
  id: string | undefined,
  query: string,
  body: unknown,
  options: RequestOptions | undefined,
  withResponse: boolean,
) => Promise<T>;

/** A deployment id, as the spec's `inference_id` parameter allows it (so it never needs escaping). */
const ID = /^(?!(?:list|create)$)[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

const TIMEOUT = { timeout: true };
function abortOnTimeout(ac: AbortController): void {
  ac.abort(TIMEOUT);
}

/** Error codes of a connection that never carried the request: the server cannot have seen it. */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT)$/;
function neverSent(e: unknown): boolean {
  const cause = (e as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && NOT_SENT.test(cause.code);
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

/** The secrets of a call plus the token it sent (for the error path only). */
function withAuth(secrets: string[], auth: string | undefined): string[] {
  return auth ? [...secrets, auth] : secrets;
}

/** Builds the function every resource method calls. */
export function createTransport(config: TransportConfig): Send {
  const { baseUrl, token, backoff, logger } = config;
  let level = LEVELS.indexOf(config.logLevel);
  if (level < 0) {
    level = 2;
    logger.warn?.(
      `${JSON.stringify(config.logLevel)} is not a log level (${LEVELS.join(', ')}): logging warnings`,
    );
  }
  const log = (lvl: 1 | 2 | 3 | 4, message: string, secrets: string[]) => {
    if (lvl <= level) logger[LEVELS[lvl] as 'error']?.(redact(message, secrets));
  };

  return async function send<T>(
    op: Operation,
    id: string | undefined,
    query: string,
    body: unknown,
    o: RequestOptions | undefined,
    withResponse: boolean,
  ): Promise<T> {
    const signal = o?.signal;
    const timeout = o?.timeout ?? config.timeout;
    const maxRetries = o?.maxRetries ?? config.maxRetries;
    if (id !== undefined && !(typeof id === 'string' && ID.test(id)))
      throw new ScaleGenError(
        `${op.name}: ${JSON.stringify(id)} is not a deployment id (expected what create returned as inf_id)`,
      );
    const url = baseUrl + op.path + (id === undefined ? '' : id + (op.suffix ?? '')) + query;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const secrets = payload ? [...config.secrets, ...bodySecrets(body)] : config.secrets;
    let refreshed = false;
    let refresh = false;

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new APIUserAbortError(`${op.name} was aborted`);
      let auth: string | undefined;
      if (typeof token === 'string') auth = token;
      else if (token) {
        auth = await token({ refresh });
        refresh = false;
      }

      const headers: Record<string, string> = { ...config.headers, ...o?.headers };
      if (auth) headers.authorization = `Bearer ${auth}`;
      if (payload) headers['content-type'] = 'application/json';
      if (attempt) headers['x-retry-count'] = String(attempt);

      // One controller and one timer per attempt, only when a timeout applies (a caller's signal
      // alone is passed as it is).
      let ac: AbortController | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      if (timeout > 0 && timeout < Infinity) {
        ac = new AbortController();
        timer = setTimeout(abortOnTimeout, timeout, ac);
        if (signal) {
          const inner = ac;
          onAbort = () => inner.abort(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
        }
      }
      if (level > 3)
        log(4, `${op.method} ${url}${attempt ? ` (retry ${attempt})` : ''}`, withAuth(secrets, auth));

      let res: Response | undefined;
      let text = '';
      let failure: unknown;
      try {
        res = await (config.fetch ?? fetch)(url, {
          method: op.method,
          headers,
          body: payload,
          signal: ac ? ac.signal : signal,
        });
        if (res.status !== 204) text = await res.text();
      } catch (e) {
        failure = e;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }

      let error: Error;
      let retry: boolean;
      if (failure === undefined && res) {
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
        // A 2xx is the result, unless its envelope says `success: false` or it is empty (the real
        // server's 204 for "not found" and for an empty list).
        if (status >= 200 && status < 300 && !parseFailed) {
          const env = parsed as
            | { success?: unknown; message?: unknown; warning?: unknown }
            | null
            | undefined;
          if (env == null) {
            if (op.empty === 'list') return done<T>([], res, withResponse);
            error = new (op.empty ? NotFoundError : APIError)(
              status as 204,
              `${op.name} failed: the API answered ${status} with no content${op.empty ? ' (no such deployment)' : ''}`,
              undefined,
              res.headers,
            );
            retry = false;
          } else if (env.success === false) {
            error = makeAPIError(op.name, status, env, text, res.headers, withAuth(secrets, auth));
            retry = false;
          } else {
            if (typeof env.warning === 'string')
              log(2, `${op.name}: the API warns: ${env.warning}`, withAuth(secrets, auth));
            return done<T>(typeof env.success === 'boolean' ? env.message : env, res, withResponse);
          }
        } else {
          error = makeAPIError(op.name, status, parsed, text, res.headers, withAuth(secrets, auth));
          if (parseFailed && status < 300)
            error.message = `${op.name} failed: the response body is not valid JSON`;
          if (status === 401 && typeof token === 'function' && !refreshed) {
            // A rejected token: fetch a fresh one once, whatever the operation (nothing was processed).
            refreshed = refresh = true;
            log(3, `${op.name}: token rejected (401), refreshing it`, withAuth(secrets, auth));
            attempt--;
            continue;
          }
          // The retry policy (README, "Retries"): whatever the server says it did not process, for
          // every call; for reads, whatever may be transient as well.
          const notProcessed = status === 429 || (status === 503 && res.headers.has('retry-after'));
          retry =
            notProcessed || (op.safe && (status === 408 || status >= 500 || (parseFailed && status < 300)));
        }
      } else if (signal?.aborted) {
        throw new APIUserAbortError(`${op.name} was aborted`, { cause: failure });
      } else if (ac?.signal.reason === TIMEOUT) {
        // A timed-out attempt may have reached the server: only reads are sent again.
        error = new APIConnectionTimeoutError(
          `${op.name} timed out after ${timeout} ms (attempt ${attempt + 1})`,
        );
        retry = op.safe;
      } else {
        // No response: reads are retried; other calls only when the connection was never made.
        const code = (failure as { cause?: { code?: unknown } })?.cause?.code;
        error = new APIConnectionError(
          redact(
            `${op.name} failed: no response from ${baseUrl} (${typeof code === 'string' ? code : String((failure as Error)?.message ?? failure)})`,
            withAuth(secrets, auth),
          ),
          { cause: failure },
        );
        retry = op.safe || (!res && neverSent(failure));
      }

      if (!retry || attempt >= maxRetries) throw error;
      const delay = retryDelay(attempt + 1, res?.headers.get('retry-after'), backoff);
      log(
        3,
        `${op.name}: ${error.message}; retry ${attempt + 1} of ${maxRetries} in ${Math.round(delay)} ms`,
        withAuth(secrets, auth),
      );
      await sleep(delay, signal, op.name);
    }
  };
}

function done<T>(data: unknown, response: Response, withResponse: boolean): T {
  return (
    withResponse ? { data, response, requestId: response.headers.get('x-request-id') ?? undefined } : data
  ) as T;
}
