import type { components } from '../generated/schema.js';

type ErrorBody = components['schemas']['ErrorResponse'];
type FieldError = components['schemas']['FieldError'];

/** The base of every error this client throws: `catch (e) { if (e instanceof ScaleGenError) ... }`. */
export class ScaleGenError extends Error {
  override name = 'ScaleGenError';

  /** The plain, secret-free fields of the error, so that `JSON.stringify(error)` says what happened. */
  toJSON(): Record<string, unknown> {
    const { cause: _cause, headers: _headers, ...fields } = this as Record<string, unknown>;
    return { ...fields, message: this.message };
  }
}

/**
 * The API answered with an error status (or with a 2xx whose body says `success: false`, or one
 * that is not JSON). Subclasses narrow it by status; `status` is the HTTP status.
 */
export class APIError<TStatus extends number = number> extends ScaleGenError {
  override name = 'APIError';
  /** The HTTP status of the response. */
  declare readonly status: TStatus;
  /** The response headers. */
  declare readonly headers: Headers | undefined;
  /** The parsed error body (`{success: false, message, errors?, request_id?}`), or the text of a non-JSON body. */
  declare readonly body: ErrorBody | string | undefined;
  /** For a rejected request, one entry per offending field (dotted path and reason); empty otherwise. */
  declare readonly errors: FieldError[];
  /** The id of the request, from `X-Request-Id` or the body's `request_id`, to quote to support. */
  declare readonly requestId: string | undefined;

  /** @internal Built by the client from a response; see {@link makeAPIError}. */
  constructor(
    status: TStatus,
    message: string,
    body: ErrorBody | string | undefined,
    headers: Headers | undefined,
    requestId = headers?.get('x-request-id') ?? undefined,
  ) {
    super(message);
    // Assigned, not declared as class fields: no `field;` line per property in the built code.
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.errors = (typeof body === 'object' && body?.errors) || [];
    this.requestId = requestId;
  }
}

/** 400: the request could not be read (malformed JSON, wrong content type). */
export class BadRequestError extends APIError<400> {
  override name = 'BadRequestError';
}
/** 401: no bearer token, or an invalid or expired one (after one refresh, where the client can refresh). */
export class AuthenticationError extends APIError<401> {
  override name = 'AuthenticationError';
}
/** 403: the token is valid but may not do this. */
export class PermissionDeniedError extends APIError<403> {
  override name = 'PermissionDeniedError';
}
/** 404 (or the API's 204 "no content" for a deployment that does not exist). */
export class NotFoundError extends APIError<404 | 204> {
  override name = 'NotFoundError';
}
/** 409: the deployment is not in a status that allows this (start an `ACTIVE` one, delete a `DELETING` one). */
export class ConflictError extends APIError<409> {
  override name = 'ConflictError';
}
/** 422: invalid fields; `errors` names each one (`autoscaling_config.scale_to_zero_timeout_sec`, ...). */
export class UnprocessableEntityError extends APIError<422> {
  override name = 'UnprocessableEntityError';
}
/** 429: too many requests; retried after `Retry-After` until `maxRetries` is spent. */
export class RateLimitError extends APIError<429> {
  override name = 'RateLimitError';
}
/** 500 and above: the server failed or is unavailable. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** The request did not get a response: connection refused or reset, DNS failure, body cut off. */
export class APIConnectionError extends ScaleGenError {
  override name = 'APIConnectionError';
}
/** An attempt took longer than `timeout` milliseconds. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}
/** The caller's `AbortSignal` fired; no further attempt is made. */
export class APIUserAbortError extends ScaleGenError {
  override name = 'APIUserAbortError';
}

const byStatus: Record<number, typeof APIError<number>> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/**
 * What looks like a credential whoever it belongs to: a Hugging Face token (`hf_...`), a JWT
 * (`eyJ...`), and the value after `Bearer` when it is shaped like a token (8 characters or more of
 * a token's alphabet, a digit among them). Ordinary text is left as it is: in "Missing or invalid
 * bearer token" or "send 'Authorization: Bearer <access_token>'", nothing is a credential.
 */
const TOKEN_SHAPED =
  /\b(hf_)[A-Za-z0-9]{6,}|\beyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*|\b(Bearer\s+)(?=[\w.~+/-]*\d)[\w.~+/-]{8,}=*/gi;

/**
 * Replaces every secret the client knows (of 8 characters or more: shorter strings are not
 * credentials) and every token-shaped string (see {@link TOKEN_SHAPED}) in `text` with `[***]`.
 */
export function redact(text: string, secrets: readonly string[]): string {
  for (const s of secrets) if (s.length > 7) text = text.split(s).join('[***]');
  return text.replace(TOKEN_SHAPED, '$1$2[***]');
}

/**
 * A copy of an error's `cause` (or any thrown value) that is safe to keep: an `Error` with its
 * message and `code` redacted as in {@link redact}, and its own cause likewise (two levels deep).
 * A `fetch` error can quote a header value, the bearer token included, and `util.inspect(error)`
 * prints the whole cause chain.
 */
export function scrub(e: unknown, secrets: readonly string[], depth = 2): Error | undefined {
  if (e == null || depth < 0) return undefined;
  const from = e as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const out = new Error(redact(String(from.message ?? e), secrets), {
    cause: scrub(from.cause, secrets, depth - 1),
  });
  if (typeof from.name === 'string') out.name = from.name;
  if (from.code !== undefined) (out as { code?: string }).code = redact(String(from.code), secrets);
  return out;
}

/** Redacts every string inside a parsed JSON value. */
function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, secrets);
    return out as T;
  }
  return value;
}

/**
 * Builds the error for a response: the class by status, and a one-line message naming the
 * operation, the server's message and the offending fields (or, for a body that is not the API's
 * JSON, its content type and an HTML page's title or the first words of the text). Every secret in
 * `secrets` is redacted from the message and the body before anything is kept.
 */
export function makeAPIError(
  op: string,
  status: number,
  body: unknown,
  text: string,
  headers: Headers | undefined,
  secrets: readonly string[],
  /** The message's first part instead of `<op> failed with HTTP <status>: <what the server said>`. */
  summary?: string,
): APIError {
  const json =
    body && typeof body === 'object' && !Array.isArray(body)
      ? redactDeep(body as ErrorBody, secrets)
      : undefined;
  const safeText = redact(text, secrets);
  let detail: string;
  if (typeof json?.message === 'string') {
    detail = json.message;
    const fields = Array.isArray(json.errors) ? json.errors : [];
    if (fields.length) detail += ` (${fields.map((f) => `${f.field}: ${f.message}`).join('; ')})`;
  } else {
    const title = /<title[^>]*>([^<]*)/i.exec(safeText)?.[1];
    const line = (title ?? safeText.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 200);
    detail = `${headers?.get('content-type')?.split(';')[0] || 'non-JSON'} response${line ? `: ${line}` : ''}`;
  }
  const Cls = byStatus[status] ?? (status >= 500 ? InternalServerError : APIError);
  const rawId =
    headers?.get('x-request-id') ?? (typeof json?.request_id === 'string' ? json.request_id : undefined);
  const id = rawId && redact(rawId, secrets);
  const message = redact(
    `${summary ?? `${op} failed with HTTP ${status}: ${detail.replace(/\s+/g, ' ').slice(0, 1000)}`}${id ? ` [request ${id}]` : ''}`,
    secrets,
  );
  return new Cls(status, message, json ?? (text ? safeText : undefined), headers, id);
}

type Deployment = components['schemas']['InferenceDeployment'];

/** `waitUntilReady`: the deployment reached `FAILED`, `DELETING` or `DELETED`, so it will not become `ACTIVE`. */
export class DeploymentFailedError extends ScaleGenError {
  override name = 'DeploymentFailedError';
  /** The deployment as last read, with its `status` and `metadata`. */
  declare readonly deployment: Deployment;
  /** Why it failed, as the API says in `metadata.failure_reason` (also in the message); `undefined` when it does not say. */
  declare readonly failureReason: string | undefined;
  /** @internal */
  constructor(message: string, deployment: Deployment) {
    const reason = deployment.metadata?.failure_reason;
    const why = typeof reason === 'string' && reason ? redact(reason, []) : undefined;
    super(why ? `${message}: ${why}` : message);
    this.deployment = deployment;
    this.failureReason = why;
  }
}

/** `waitUntilReady`: the deployment was not `ACTIVE` by the deadline. */
export class WaitTimeoutError extends ScaleGenError {
  override name = 'WaitTimeoutError';
  /** The deployment as last read. */
  declare readonly deployment: Deployment | undefined;
  /** @internal */
  constructor(message: string, deployment: Deployment | undefined) {
    super(message);
    this.deployment = deployment;
  }
}
