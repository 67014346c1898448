import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEndpointPath, sendEndpointError } from './endpoint/handler.js';
import { answeredErrors, envelope, sendJson } from './errors.js';
import { ANSWERED, type Refusal, runStages, type Stage } from './front/stage.js';
import { newRequestId } from './front.js';
import type { AnswerBudget } from './hosting/answer-budget.js';
import {
  admit,
  answerAdmin,
  answerClock,
  answerEndpoint,
  answerProbes,
  answerSandboxRoutes,
  dropTenantHeader,
  type GateCall,
  type GateContext,
  nameTenant,
  type ReadCosts,
  reserveRead,
  type Seen,
} from './hosting/stages.js';
import type { OperatorLog } from './operator/log.js';
import type { MockMetrics } from './operator/metrics.js';
import { routeOf } from './operator/route.js';
import { adminApi } from './sandbox/keys.js';
import { StoreUnavailableError, storeUnavailable } from './sandbox/store/errors.js';
import type { RequestLogEntry, SandboxStore } from './sandbox/store/types.js';
import type { Tenant } from './sandbox/tenant.js';
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
  /** Reads of the store in flight on this replica, bounded in bytes (see {@link ReadCosts}); unbounded when undefined. */
  reads?: ReadCosts;
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

/** What a request log entry keeps of a refused request's field errors. */
const LOGGED_ERRORS = 5;

/**
 * The hosting layer's stages, in the order a request meets them (the README's list of what the mock
 * refuses names them in the same order), before the front's (see `FRONT_STAGES`).
 */
export const GATE_STAGES: readonly Stage<GateCall>[] = [
  { name: 'probes', run: answerProbes },
  { name: 'admin', run: answerAdmin },
  { name: 'tenant-header', run: dropTenantHeader },
  { name: 'admission', run: admit },
  { name: 'endpoint', run: answerEndpoint },
  { name: 'anonymous', run: nameTenant },
  { name: 'clock', run: answerClock },
  { name: 'sandbox-routes', run: answerSandboxRoutes },
  { name: 'reads', run: reserveRead },
];

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

  const context: GateContext = {
    options,
    store,
    placement,
    admin,
    end: (tenant, lease) => end(tenant, lease),
  };

  /** Runs the stages; a request none of them answered goes on to the next layer. */
  async function handle(req: IncomingMessage, res: ServerResponse, path: string, seen: Seen): Promise<void> {
    const call: GateCall = {
      req,
      res,
      gate: context,
      method: req.method ?? 'GET',
      path,
      seen,
      endpoint: options.endpoint && isEndpointPath(path) ? options.endpoint : undefined,
    };
    const verdict = await runStages(GATE_STAGES, call);
    if (verdict === ANSWERED) return;
    if (verdict === undefined) return options.next(req, res);
    refuseWith(call, verdict);
  }

  /** Sends a refusal: the spec's envelope, or OpenAI's error shape to the model endpoint's callers. */
  function refuseWith(call: GateCall, refusal: Refusal): void {
    const { res } = call;
    const reason = refusal.reason ?? 'refused';
    call.seen.reason = reason;
    if (call.endpoint) {
      const type =
        reason === 'unauthorized'
          ? 'authentication_error'
          : reason.endsWith('limit')
            ? 'rate_limit_error'
            : 'invalid_request_error';
      sendEndpointError(res, refusal.status, refusal.message, type, null, refusal.headers);
    } else {
      sendJson(
        res,
        refusal.status,
        { ...envelope(refusal.message, refusal.errors), request_id: String(res.getHeader('X-Request-Id')) },
        refusal.headers,
      );
    }
    refusal.after?.();
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
