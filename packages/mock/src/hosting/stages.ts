/**
 * The hosting layer's stages, which partners meet first: the operator's probes and admin API, who the
 * caller is and how much it may ask, and the sandbox's own routes. Each refuses the request (with its
 * envelope and the reason logged for it), answers it itself, or passes it on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envelope, sendJson, UNAUTHORIZED } from '../errors.js';
import { discardRest } from '../front/intake.js';
import { ANSWERED, type Refusal, refuse, type Verdict } from '../front/stage.js';
import type { GateOptions } from '../gate.js';
import { CLOCK_PATH, clockRoute } from '../sandbox/clock.js';
import { ADMIN_PREFIX } from '../sandbox/keys.js';
import type { SandboxStore } from '../sandbox/store/types.js';
import { bearerToken, sha256, TENANT_HEADER, type Tenant, tenantOfToken } from '../sandbox/tenant.js';
import type { ReadBudget } from './read-budget.js';

/** Largest body the sandbox's own routes read or skip; a larger one closes the connection. */
export const OWN_ROUTE_MAX_BODY = 64 * 1024;

/** What the gate learned about a request, for the log line, the request log and the end of the request. */
export interface Seen {
  tenant?: Tenant;
  reason?: string;
  /** The concurrency slot the request holds, given back when it ends. */
  lease?: string;
  /** The request has ended (its response closed). */
  ended?: boolean;
}

/** What every request's stages share: the gate's options and what it built from them. */
export interface GateContext {
  readonly options: GateOptions;
  readonly store: SandboxStore | undefined;
  /** Where the admin API is answered (see {@link GateOptions.admin}). */
  readonly placement: 'here' | 'elsewhere' | 'only';
  /** The admin API, when this listener answers it. */
  readonly admin: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>) | undefined;
  /** Gives back a request's slot and appends its request-log entry. */
  readonly end: (tenant: Tenant, lease: string | undefined) => void;
}

/** One request on its way through the gate's stages. */
export interface GateCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly gate: GateContext;
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly seen: Seen;
  /** The deployments' model endpoint, when the path is one of its own (its callers read OpenAI's errors). */
  readonly endpoint: GateOptions['endpoint'];
  /** The caller's tenant, once the `admission` stage has named it (undefined: no bearer token). */
  tenant?: Tenant;
}

/**
 * Skips a body the route does not read; false for a declared body larger than the limit, which is then
 * read and thrown away after the answer (a lingering close, see {@link discardRest}).
 */
export function skipBody(req: IncomingMessage): boolean {
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

const noRoute = (call: GateCall) =>
  refuse(404, `No such route: ${call.method} ${call.path.slice(0, 200)}.`, { reason: 'no_route' });

/**
 * `probes`: answers `GET /__sandbox/health` (alive) and `/__sandbox/ready` (200, or 503 naming why: the
 * server is stopping or cannot reach its store; an answer, not a refusal), to anyone; refuses a body
 * (413) or another method (405).
 */
export async function answerProbes(call: GateCall): Promise<Verdict> {
  const { req, res, path, method, gate } = call;
  if (path !== '/__sandbox/health' && path !== '/__sandbox/ready') return undefined;
  if (!skipBody(req)) return refuse(413, 'This route takes no body.', { reason: 'body_too_large' });
  if (method !== 'GET' && method !== 'HEAD')
    return refuse(405, `${method} is not allowed on ${path}.`, { reason: 'method' });
  if (path === '/__sandbox/health') {
    sendJson(res, 200, { success: true, message: 'alive' });
    return ANSWERED;
  }
  const { store } = gate;
  const why =
    gate.options.notReady() ??
    (store && !(await store.ready())
      ? (store.problem?.() ?? 'Not ready: the server cannot reach its store.')
      : undefined);
  if (why === undefined) sendJson(res, 200, { success: true, message: 'ready' });
  else
    sendJson(
      res,
      503,
      { ...envelope(why), request_id: String(res.getHeader('X-Request-Id')) },
      { 'Retry-After': '1' },
    );
  return ANSWERED;
}

/**
 * `admin`: answers the admin API for sandbox keys where it is served; refuses it (404) on the partners'
 * port when it has a port of its own, and refuses everything else (404) on that port.
 */
export async function answerAdmin(call: GateCall): Promise<Verdict> {
  const { path, gate } = call;
  const adminPath = path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
  if (gate.admin && adminPath) {
    await gate.admin(call.req, call.res, path);
    return ANSWERED;
  }
  if (gate.placement === 'only' || (gate.placement === 'elsewhere' && adminPath)) {
    skipBody(call.req);
    return noRoute(call);
  }
  return undefined;
}

/** `tenant-header`: no caller names a tenant but through its credentials: a sent tenant header is dropped. */
export function dropTenantHeader(call: GateCall): Verdict {
  delete call.req.headers[TENANT_HEADER];
  return undefined;
}

/**
 * `admission`: authenticates the caller and holds its tenant to its rate and concurrency limits and its
 * budget of answer bytes, in one step of the store (none in open mode without limits). An unknown or
 * revoked sandbox key is refused 401, a tenant over a limit 429 with `Retry-After`; a caller without a
 * bearer token passes on without a tenant (the next stages decide). Not in static mode, which keeps no state.
 */
export async function admit(call: GateCall): Promise<Verdict> {
  const { req, res, seen, gate } = call;
  const { options, store } = gate;
  const token = bearerToken(req.headers.authorization);
  if (!token || !store) return undefined;
  const open = options.auth === 'open' ? tenantOfToken(token) : undefined;
  if (open) seen.tenant = open;
  const policy = { rateLimit: options.rateLimit, maxConcurrent: options.maxConcurrent };
  if (open && policy.rateLimit <= 0 && policy.maxConcurrent <= 0) {
    const over = overBudget(call, open.key);
    if (!over) call.tenant = open;
    return over;
  }
  const admission = await store.admit(
    open ? { tenant: open.key } : { keyHash: sha256(token) },
    policy,
    options.clock(),
  );
  if (!admission.ok && admission.reason === 'unknown_key') {
    req.resume();
    return refuse(401, 'This sandbox key is not valid: it is unknown or was revoked.', {
      reason: 'unauthorized',
    });
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
      return refuse(
        429,
        `Too many requests: this tenant may make ${admission.rate.limit} per second; retry after ${reset} second${reset === '1' ? '' : 's'}.`,
        { reason: 'rate_limit', headers: { 'Retry-After': reset } },
      );
    }
    return refuse(
      429,
      `Too many requests at once: this tenant may have ${options.maxConcurrent} in flight; retry after 1 second.`,
      { reason: 'concurrency_limit', headers: { 'Retry-After': '1' } },
    );
  }
  const over = overBudget(call, tenant.key);
  if (over) {
    const { lease } = admission;
    return lease ? { ...over, after: () => gate.end(tenant, lease) } : over;
  }
  if (admission.lease) {
    // A client gone while it was being admitted: its request ended already, give the slot back now.
    if (seen.ended) gate.end(tenant, admission.lease);
    else seen.lease = admission.lease;
  }
  call.tenant = tenant;
  return undefined;
}

/** A 429 when the tenant's answers have spent its budget of bytes; undefined when they have not. */
function overBudget(call: GateCall, key: string): Refusal | undefined {
  const budget = call.gate.options.answerBudget;
  const wait = budget?.retryAfter(key);
  if (wait === undefined) return undefined;
  call.req.resume();
  return refuse(
    429,
    `Too many bytes of answers: this tenant may be served ${budget?.bytesPerSecond} bytes a second; retry after ${wait} second${wait === 1 ? '' : 's'}.`,
    { reason: 'answer_bytes', headers: { 'Retry-After': String(wait) } },
  );
}

/** `endpoint`: a deployment's model endpoint (`/deployments/...`) answers the admitted caller itself (its own errors, OpenAI's shape). */
export async function answerEndpoint(call: GateCall): Promise<Verdict> {
  if (!call.gate.store || !call.endpoint) return undefined;
  await call.endpoint(call.req, call.res, call.tenant?.key);
  return ANSWERED;
}

/**
 * `anonymous`: a caller without a bearer token is refused 401 in keys mode, and on the sandbox's own
 * routes in any mode (elsewhere in open mode Prism answers it, 401 on every secured route); an admitted
 * caller's tenant is named, signed, to the sandbox behind Prism.
 */
export function nameTenant(call: GateCall): Verdict {
  const { gate, tenant } = call;
  if (!gate.store) return undefined;
  if (tenant === undefined && (gate.options.auth === 'keys' || call.path.startsWith('/__sandbox/'))) {
    call.req.resume();
    return refuse(401, UNAUTHORIZED, { reason: 'unauthorized' });
  }
  if (tenant) call.req.headers[TENANT_HEADER] = gate.options.tenantHeader(tenant);
  return undefined;
}

/** `clock`: the tenant's sandbox clock (`/__sandbox/clock`) answers itself. */
export async function answerClock(call: GateCall): Promise<Verdict> {
  const { store, options } = call.gate;
  if (call.path !== CLOCK_PATH || !store || !call.tenant) return undefined;
  await clockRoute(call.req, call.res, store, call.tenant.key, options.clock());
  return ANSWERED;
}

/**
 * `sandbox-routes`: the sandbox's own routes: `POST /__sandbox/reset` and `GET /__sandbox/requests` for
 * the tenant; a body on them is refused 413, any other `/__sandbox/` route 404 (all of them in static
 * mode, which has none).
 */
export async function answerSandboxRoutes(call: GateCall): Promise<Verdict> {
  const { req, res, path, method, gate } = call;
  if (!path.startsWith('/__sandbox/')) return undefined;
  const { store } = gate;
  if (!store) {
    skipBody(req);
    return noRoute(call);
  }
  if (!call.tenant) return undefined;
  if (!skipBody(req)) return refuse(413, 'This route takes no body.', { reason: 'body_too_large' });
  const now = gate.options.clock();
  if (method === 'POST' && path === '/__sandbox/reset') {
    const removed = await store.reset(call.tenant.key, now);
    sendJson(res, 200, {
      success: true,
      message: `Sandbox reset: ${removed} deployments of this token removed.`,
    });
    return ANSWERED;
  }
  if (method === 'GET' && path === '/__sandbox/requests') {
    sendJson(res, 200, { success: true, message: await store.requestLog(call.tenant.key, now) });
    return ANSWERED;
  }
  return noRoute(call);
}

/** Reads of the store that one request may make, and the most each can hold (see {@link ReadBudget}). */
export interface ReadCosts {
  budget: ReadBudget;
  /** Bytes reserved for a list (a tenant's whole quota of settings). */
  listBytes: number;
  /** Bytes reserved for one deployment (its settings: at most a body). */
  oneBytes: number;
}

/** The bytes a request will read from the store once Prism passes it on; 0 when it reads none worth counting. */
function readCostOf(call: GateCall, costs: ReadCosts): number {
  const { req, method, path } = call;
  // A GET with a body never reaches the store (Prism refuses it), so it reserves nothing while it is sent.
  if (method !== 'GET' || req.headers['transfer-encoding'] || Number(req.headers['content-length'] ?? 0) > 0)
    return 0;
  if (path === '/sg_inf/list') return costs.listBytes;
  return /^\/sg_inf\/[^/]+$/.test(path) ? costs.oneBytes : 0;
}

/**
 * `reads` (sandbox): a read of the store reserves, before it starts, the most its answer can hold in this
 * replica's budget of reads in flight, and gives it back when the answer has gone out or its caller left.
 * A read that finds no room waits its turn; after the budget's wait, `503` with `Retry-After`.
 */
export async function reserveRead(call: GateCall): Promise<Verdict> {
  const costs = call.gate.options.reads;
  if (!costs || !call.tenant) return undefined;
  const bytes = readCostOf(call, costs);
  if (bytes === 0) return undefined;
  const { res } = call;
  const left = new AbortController();
  const onClose = () => left.abort();
  res.once('close', onClose);
  const reservation = await costs.budget.reserve(call.tenant.key, bytes, left.signal);
  if (!reservation.ok) {
    res.off('close', onClose);
    if (reservation.reason === 'gone') return ANSWERED;
    return refuse(503, 'This sandbox replica is reading as much as it may at once: retry after 1 second.', {
      reason: 'read_budget',
      headers: { 'Retry-After': '1' },
    });
  }
  res.off('close', onClose);
  if (res.closed) reservation.release();
  else res.once('close', reservation.release);
  return undefined;
}
