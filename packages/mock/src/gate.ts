import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEndpointPath, sendEndpointError } from './endpoint/handler.js';
import { answeredErrors, envelope, sendJson, UNAUTHORIZED } from './errors.js';
import { discardRest, newRequestId } from './front.js';
import type { AnswerBudget } from './hosting/answer-budget.js';
import type { OperatorLog } from './operator/log.js';
import type { MockMetrics } from './operator/metrics.js';
import { routeOf } from './operator/route.js';
import { CLOCK_PATH, clockRoute } from './sandbox/clock.js';
import { ADMIN_PREFIX, adminApi } from './sandbox/keys.js';
import { StoreUnavailableError, storeUnavailable } from './sandbox/store/errors.js';
import type { RequestLogEntry, SandboxStore } from './sandbox/store/types.js';
import { bearerToken, sha256, TENANT_HEADER, type Tenant, tenantOfToken } from './sandbox/tenant.js';
import type { SpecFacts } from './spec.js';

/** How partners are told apart: `open`, any bearer token is a tenant; `keys`, only operator-issued sandbox keys. */
export type AuthMode = 'open' | 'keys';

/** What the hosting layer needs. */
export interface GateOptions {
  /** The sandbox's store; undefined in static mode, which keeps no state. */
  store?: SandboxStore;
  /** The spec's facts: metrics label each request with its operation (see {@link routeOf}). */
  facts?: SpecFacts;
  auth: AuthMode;
  /** The operator's token for the admin API; without one, the admin API does not exist. */
  adminToken?: string;
  /** Requests per second per tenant; 0 for no limit. */
  rateLimit: number;
  /** Requests in flight at once per tenant; 0 for no limit. */
  maxConcurrent: number;
  /** Bytes of answers a second per tenant, on this replica (see {@link AnswerBudget}); none when undefined. */
  answerBudget?: AnswerBudget;
  /** Signs the tenant header the sandbox behind Prism reads. */
  tenantHeader: (tenant: Tenant) => string;
  /** Why the server is not ready to serve (it is stopping), or undefined while it is. */
  notReady: () => string | undefined;
  /** Where the admin API is answered: `here` (with the rest), `elsewhere` (on the admin port: 404 here), `only` (the admin port). */
  admin?: 'here' | 'elsewhere' | 'only';
  /** Health and readiness probes are logged too (default: not, so that probes do not drown the log). */
  logProbes?: boolean;
  log?: OperatorLog;
  metrics?: MockMetrics;
  clock: () => number;
  /** The deployments' model endpoint, for paths under `/deployments/` (sandbox only). */
  endpoint?: (req: IncomingMessage, res: ServerResponse, tenant: string | undefined) => Promise<void>;
  /** The next layer: the front in front of Prism. */
  next: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Largest body the sandbox's own routes read or skip; a larger one closes the connection. */
const OWN_ROUTE_MAX_BODY = 64 * 1024;
/** What a request log entry keeps of a refused request's field errors. */
const LOGGED_ERRORS = 5;

/** What the gate learned about a request, for the log line, the request log and the end of the request. */
interface Seen {
  tenant?: Tenant;
  reason?: string;
  /** The concurrency slot the request holds, given back when it ends. */
  lease?: string;
  /** The request has ended (its response closed). */
  ended?: boolean;
}

/**
 * Skips a body the route does not read; false for a declared body larger than the limit, which is then
 * read and thrown away after the answer (a lingering close, see {@link discardRest}).
 */
function skipBody(req: IncomingMessage): boolean {
  if (Number(req.headers['content-length']) > OWN_ROUTE_MAX_BODY) {
    discardRest(req);
    return false;
  }
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > OWN_ROUTE_MAX_BODY) req.destroy();
  });
  req.resume();
  return true;
}

/**
 * The layer partners meet first, in front of the request checks and Prism: it names each request, answers
 * the operator's routes (health, readiness, the admin API for sandbox keys), authenticates the caller as a
 * tenant, holds each tenant to its rate and concurrency limits, answers the sandbox's own routes (reset,
 * the request log), and writes one access-log line, metrics and a request-log entry per request.
 */
export function gate(options: GateOptions) {
  const { store } = options;
  const placement = options.admin ?? 'here';
  const report = (msg: string) =>
    options.log
      ? options.log.event('error', { event: 'internal_error', msg })
      : process.stderr.write(`sgi-mock: ${msg}\n`);
  const admin =
    store && placement !== 'elsewhere' ? adminApi(store, options.adminToken, options.clock) : undefined;

  function finish(req: IncomingMessage, res: ServerResponse, path: string, started: number, seen: Seen) {
    const duration = performance.now() - started;
    // A client that went away before its answer was sent: 499, as proxies log it.
    const status = res.writableFinished ? res.statusCode : 499;
    if (status === 499) seen.reason ??= 'client_closed';
    const requestId = String(res.getHeader('X-Request-Id'));
    const method = req.method ?? 'GET';
    const shortPath = path.slice(0, 200);
    options.metrics?.observe(
      routeOf(method, path, options.facts),
      method,
      status,
      duration / 1000,
      seen.reason,
    );
    const probe = path === '/__sandbox/health' || path === '/__sandbox/ready';
    if (!probe || options.logProbes)
      options.log?.request({
        request_id: requestId,
        ...(seen.tenant ? { tenant: seen.tenant.label } : {}),
        method,
        path: shortPath,
        status,
        duration_ms: Math.round(duration * 100) / 100,
        ...(seen.reason ? { reason: seen.reason } : {}),
      });
    seen.ended = true;
    if (seen.tenant && options.answerBudget && status !== 499) {
      options.answerBudget.charge(seen.tenant.key, Number(res.getHeader('Content-Length') ?? 0));
    }
    if (!store || !seen.tenant) return;
    let entry: RequestLogEntry | undefined;
    if (!path.startsWith('/__sandbox/requests')) {
      const errors = answeredErrors.get(res)?.errors;
      entry = {
        time: new Date(options.clock()).toISOString(),
        method,
        path: shortPath,
        status,
        request_id: requestId,
        duration_ms: Math.round(duration * 100) / 100,
        ...(errors && errors.length > 0
          ? {
              errors: errors.slice(0, LOGGED_ERRORS).map((e) => ({
                field: e.field.slice(0, 200),
                message: e.message.slice(0, 200),
                ...(e.code ? { code: e.code } : {}),
              })),
            }
          : {}),
      };
    }
    end(seen.tenant, seen.lease, entry);
  }

  /** Gives back a request's slot and appends its request-log entry (one step of the store). */
  function end(tenant: Tenant, lease: string | undefined, entry?: RequestLogEntry): void {
    if (!store || (!lease && !entry)) return;
    store
      .finishRequest(
        tenant.key,
        {
          ...(lease ? { lease } : {}),
          ...(entry ? { entry } : {}),
          admitted: tenant.admitted,
          ...(tenant.epoch ? { epoch: tenant.epoch } : {}),
        },
        options.clock(),
      )
      .catch((error: unknown) => {
        // The store's outage is reported once by the store, not once per request.
        if (!(error instanceof StoreUnavailableError)) report(`ending a request failed: ${String(error)}`);
      });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string, seen: Seen): Promise<void> {
    const endpoint = options.endpoint && isEndpointPath(path) ? options.endpoint : undefined;
    const fail = (status: number, message: string, reason: string, headers?: Record<string, string>) => {
      seen.reason = reason;
      // The endpoint's callers read OpenAI-compatible errors.
      if (endpoint) {
        const type =
          reason === 'unauthorized'
            ? 'authentication_error'
            : reason.endsWith('limit')
              ? 'rate_limit_error'
              : 'invalid_request_error';
        return sendEndpointError(res, status, message, type, null, headers);
      }
      sendJson(
        res,
        status,
        { ...envelope(message), request_id: String(res.getHeader('X-Request-Id')) },
        headers,
      );
    };
    const method = req.method ?? 'GET';

    if (path === '/__sandbox/health' || path === '/__sandbox/ready') {
      if (!skipBody(req)) return fail(413, 'This route takes no body.', 'body_too_large');
      if (method !== 'GET' && method !== 'HEAD')
        return fail(405, `${method} is not allowed on ${path}.`, 'method');
      if (path === '/__sandbox/health') return sendJson(res, 200, { success: true, message: 'alive' });
      // A failed probe is an answer, not a refusal: it sets no rejection reason.
      const why =
        options.notReady() ??
        (store && !(await store.ready())
          ? (store.problem?.() ?? 'Not ready: the server cannot reach its store.')
          : undefined);
      return why === undefined
        ? sendJson(res, 200, { success: true, message: 'ready' })
        : sendJson(
            res,
            503,
            { ...envelope(why), request_id: String(res.getHeader('X-Request-Id')) },
            { 'Retry-After': '1' },
          );
    }
    const adminPath = path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
    if (admin && adminPath) return admin(req, res, path);
    if (placement === 'only' || (placement === 'elsewhere' && adminPath)) {
      // The admin port answers the admin API (and probes) only; the partners' port never answers it.
      skipBody(req);
      return fail(404, `No such route: ${method} ${path.slice(0, 200)}.`, 'no_route');
    }

    // No caller names a tenant but through its credentials.
    delete req.headers[TENANT_HEADER];
    if (!store) {
      if (path.startsWith('/__sandbox/')) {
        skipBody(req);
        return fail(404, `No such route: ${method} ${path.slice(0, 200)}.`, 'no_route');
      }
      return options.next(req, res);
    }

    const tenant = await admitted(req, res, seen, fail);
    if (tenant === false) return;
    if (endpoint) return endpoint(req, res, tenant?.key);
    if (tenant === undefined && (options.auth === 'keys' || path.startsWith('/__sandbox/'))) {
      req.resume();
      return fail(401, UNAUTHORIZED, 'unauthorized');
    }
    if (tenant) req.headers[TENANT_HEADER] = options.tenantHeader(tenant);

    if (path === CLOCK_PATH && tenant) return clockRoute(req, res, store, tenant.key, options.clock());
    if (path.startsWith('/__sandbox/') && tenant) {
      if (!skipBody(req)) return fail(413, 'This route takes no body.', 'body_too_large');
      const now = options.clock();
      if (method === 'POST' && path === '/__sandbox/reset') {
        const removed = await store.reset(tenant.key, now);
        return sendJson(res, 200, {
          success: true,
          message: `Sandbox reset: ${removed} deployments of this token removed.`,
        });
      }
      if (method === 'GET' && path === '/__sandbox/requests') {
        return sendJson(res, 200, { success: true, message: await store.requestLog(tenant.key, now) });
      }
      return fail(404, `No such route: ${method} ${path.slice(0, 200)}.`, 'no_route');
    }
    return options.next(req, res);
  }

  /**
   * Authenticates the caller and holds its tenant to its rate and concurrency limits, in one step of the
   * store (none in open mode without limits): its tenant; undefined when it sent no bearer token; false
   * after answering 401 (an unknown sandbox key) or 429.
   */
  async function admitted(
    req: IncomingMessage,
    res: ServerResponse,
    seen: Seen,
    fail: (status: number, message: string, reason: string, headers?: Record<string, string>) => void,
  ): Promise<Tenant | undefined | false> {
    const token = bearerToken(req.headers.authorization);
    if (!token || !store) return undefined;
    const open = options.auth === 'open' ? tenantOfToken(token) : undefined;
    if (open) seen.tenant = open;
    const policy = { rateLimit: options.rateLimit, maxConcurrent: options.maxConcurrent };
    /** Answers 429 when the tenant's answers have spent its budget of bytes; false when they have not. */
    const overBudget = (key: string): boolean => {
      const wait = options.answerBudget?.retryAfter(key);
      if (wait === undefined) return false;
      req.resume();
      fail(
        429,
        `Too many bytes of answers: this tenant may be served ${options.answerBudget?.bytesPerSecond} bytes a second; retry after ${wait} second${wait === 1 ? '' : 's'}.`,
        'answer_bytes',
        { 'Retry-After': String(wait) },
      );
      return true;
    };
    if (open && policy.rateLimit <= 0 && policy.maxConcurrent <= 0)
      return overBudget(open.key) ? false : open;
    const admission = await store.admit(
      open ? { tenant: open.key } : { keyHash: sha256(token) },
      policy,
      options.clock(),
    );
    if (!admission.ok && admission.reason === 'unknown_key') {
      req.resume();
      fail(401, 'This sandbox key is not valid: it is unknown or was revoked.', 'unauthorized');
      return false;
    }
    const tenant: Tenant = open ?? {
      key: admission.tenant,
      label: admission.tenant,
      admitted: true,
      epoch: sha256(token),
    };
    seen.tenant = tenant;
    const { rate } = admission;
    const reset = rate ? String(Math.max(1, Math.ceil(rate.resetMs / 1000))) : '1';
    if (rate) {
      res.setHeader('RateLimit-Limit', String(rate.limit));
      res.setHeader('RateLimit-Remaining', String(rate.remaining));
      res.setHeader('RateLimit-Reset', reset);
    }
    if (!admission.ok) {
      req.resume();
      if (admission.reason === 'rate_limit') {
        fail(
          429,
          `Too many requests: this tenant may make ${admission.rate.limit} per second; retry after ${reset} second${reset === '1' ? '' : 's'}.`,
          'rate_limit',
          { 'Retry-After': reset },
        );
      } else {
        fail(
          429,
          `Too many requests at once: this tenant may have ${options.maxConcurrent} in flight; retry after 1 second.`,
          'concurrency_limit',
          { 'Retry-After': '1' },
        );
      }
      return false;
    }
    if (overBudget(tenant.key)) {
      if (admission.lease) end(tenant, admission.lease);
      return false;
    }
    if (admission.lease) {
      // A client gone while it was being admitted: its request ended already, give the slot back now.
      if (seen.ended) end(tenant, admission.lease);
      else seen.lease = admission.lease;
    }
    return tenant;
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    res.setHeader('X-Request-Id', newRequestId());
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const seen: Seen = {};
    res.once('close', () => finish(req, res, path, started, seen));
    handle(req, res, path, seen).catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) {
        seen.reason = 'store_unavailable';
        return storeUnavailable(res, String(res.getHeader('X-Request-Id')), error);
      }
      report(`internal error on ${req.method} ${path.slice(0, 200)}: ${String(error)}`);
      sendJson(res, 500, envelope('The mock server failed while answering this request.'));
    });
  };
}
