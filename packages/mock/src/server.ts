import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { loadSpec } from '@sgi/spec';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS, guardedServer } from './connections.js';
import { corsPolicy } from './cors.js';
import { endpointContract } from './endpoint/contract.js';
import { endpointHandler } from './endpoint/handler.js';
import { publicUrlOf } from './endpoint/public-url.js';
import { envelope, sendJson } from './errors.js';
import { type ContractViolation, frontHandler } from './front.js';
import { type AuthMode, gate } from './gate.js';
import { AnswerBudget } from './hosting/answer-budget.js';
import { defaultReadBudgetBytes, ReadBudget } from './hosting/read-budget.js';
import type { ReadCosts } from './hosting/stages.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEPTH } from './limits.js';
import { type EventLevel, type LogDestination, operatorLog, type ServerEvent } from './operator/log.js';
import { mockMetrics, serveMetrics } from './operator/metrics.js';
import { type RunningPrism, startPrism } from './prism.js';
import { advanceProblem, clockView } from './rules/clock.js';
import { type AlterResponse, sandboxBackend } from './sandbox/backend.js';
import { StoreUnavailableError, storeUnavailable } from './sandbox/store/errors.js';
import { MemoryStore } from './sandbox/store/memory.js';
import type { SandboxStore } from './sandbox/store/types.js';
import { sha256, TENANT_HEADER, tenantHeader, tenantOfToken } from './sandbox/tenant.js';
import { specFacts } from './spec.js';

/** How to run the mock server. */
export interface MockServerOptions {
  /** `static`: Prism serving the spec's examples. `sandbox`: a stateful fake behind Prism's validating proxy. Default `sandbox`. */
  mode?: 'static' | 'sandbox';
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Sandbox: milliseconds from `PROVISIONING` to `ACTIVE` after create or start (default 2000; 0 in tests). */
  provisionDelayMs?: number;
  /** Sandbox: milliseconds from `DELETING` to gone after delete (default 1000; 0 in tests). */
  deleteDelayMs?: number;
  /** Sandbox: tenants held at once; a create by a new tenant beyond it answers 403 (default 1,000). No tenant is ever evicted. */
  maxTenants?: number;
  /** Sandbox: deployments one tenant may hold; create answers 403 beyond it (default 1,000). */
  maxDeploymentsPerTenant?: number;
  /** Sandbox: bytes of stored settings one tenant may hold; create answers 403 beyond it (default 2 MiB). */
  maxTenantBytes?: number;
  /** Sandbox: deployments held in all; create answers 403 beyond it (default 10,000). */
  maxDeployments?: number;
  /** Sandbox: bytes of stored settings held in all; create answers 403 beyond it (default 64 MiB). */
  maxTotalBytes?: number;
  /** Sandbox: a tenant that makes no request for this long is forgotten with its deployments (default 24 h). */
  tenantTtlMs?: number;
  /**
   * Sandbox: bytes of stored data that this server's requests may be reading and answering at once; a read
   * reserves the most its answer can hold (a tenant's whole quota for a list), waits when there is no room,
   * and is answered 503 after 10 s. One tenant holds at most half. Default: an eighth of the V8 heap's
   * limit (`--max-old-space-size`), at least two tenants' quota.
   */
  maxReadBytesInFlight?: number;
  /**
   * Sandbox: `open` (the default), any bearer token is a tenant, fit for local use; `keys`, only sandbox
   * keys issued through the admin API are accepted, each one tenant named after its partner.
   */
  auth?: AuthMode;
  /** The operator's token for the admin API (`/__sandbox/admin/keys`); without one there is no admin API. */
  adminToken?: string;
  /**
   * Serves the admin API on this port (`0` picks one) instead of the partners' port, which then answers
   * it `404`; off when undefined.
   */
  adminPort?: number;
  /** Interface of the admin port (default `127.0.0.1`). */
  adminHost?: string;
  /** Sandbox: requests per second per tenant, beyond which it answers 429 (default 0: no limit). */
  rateLimit?: number;
  /** Sandbox: requests in flight at once per tenant, beyond which it answers 429 (default 0: no limit). */
  maxConcurrent?: number;
  /**
   * Sandbox: bytes of answers a second per tenant, on each replica, beyond which it answers 429 with
   * `Retry-After` (default 0: no limit; 4 MiB suits a hosted sandbox). Bounds the CPU one tenant's large
   * lists take.
   */
  maxAnswerBytesPerSecond?: number;
  /**
   * The JSON log, one object a line with `level` as a name: each request, and the server's own events
   * (the store going and coming back, ...). `true` for stdout, a writable stream, `false` (the default)
   * for none: events are then lines of text on stdout (information) and stderr (warnings, errors).
   */
  log?: LogDestination;
  /** Log the health and readiness probes too (default false: probes are not logged). */
  logProbes?: boolean;
  /** Serves Prometheus metrics at `GET /metrics` on this port (`0` picks one); off when undefined. */
  metricsPort?: number;
  /** Interface of the metrics port (default `127.0.0.1`). */
  metricsHost?: string;
  /**
   * Sandbox: where its state lives. `memory` (the default): in this process, gone when it stops.
   * `redis://[user:password@]host:port/db` (or `rediss://` for TLS): in Redis, shared by every sandbox
   * process given the same URL (and key prefix), kept across restarts.
   */
  storeUrl?: string;
  /** Sandbox with a Redis store: the prefix of its keys (default `sgi-mock:`); replicas must share it. */
  storeKeyPrefix?: string;
  /** Sandbox: a state store of the caller's own (it takes the place of `storeUrl`; it is closed on close). */
  store?: SandboxStore;
  /** The sandbox's clock, in ms since the epoch (default `Date.now`): tests move time by hand with it. */
  clock?: () => number;
  /** Largest request body accepted, in bytes (default 1 MiB); a larger one gets 413. */
  maxBodyBytes?: number;
  /**
   * Origins allowed to call from a browser, each answered by name; `*` for any (answered
   * `Access-Control-Allow-Origin: *`). Default: loopback origins only (`http://localhost:<port>`,
   * `http://127.0.0.1:<port>`, `[::1]`), so that no web page at large can call a local sandbox. Never with
   * credentials.
   */
  corsOrigins?: string[];
  /** Time a client has to send a request's headers, in ms (default 10,000). */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, in ms (default 30,000). */
  requestTimeoutMs?: number;
  /** Open connections at once (default 1,024). */
  maxConnections?: number;
  /** Requests in flight at once from one client (default 64); more answer 429. */
  maxConcurrentPerClient?: number;
  /** Open connections from one address (default 64), a trusted proxy's apart; more are closed at once. */
  maxConnectionsPerClient?: number;
  /**
   * Proxies (addresses or CIDR ranges, such as the TLS proxy in front) that may name the client with
   * `X-Forwarded-For`, for the per-client limits. Default none: the client is the connection's address.
   */
  trustProxy?: string[];
  /**
   * On `close()`, how long the server goes on serving while `GET /__sandbox/ready` answers 503, before it
   * stops accepting connections, in ms: time for load balancers to take it out (default 0; the command
   * line's default is 5,000).
   */
  shutdownGraceMs?: number;
  /** On `close()`, after the grace period, how long requests in flight may take to finish, in ms (default 10,000). */
  drainTimeoutMs?: number;
  /**
   * Answer as production does today for each entry of `@sgi/spec`'s `known-drift.yaml` (a bare object
   * from get, a bare array from list, 204 for a missing deployment or an empty list). Default false;
   * `X-Sandbox-Quirks: production` or `none` chooses per call.
   */
  productionQuirks?: boolean;
  /** Share (0 to 1) of calls answered 429 or 503 with `Retry-After: 1`. Default 0. */
  chaos?: number;
  /** Called for each response that broke the spec and was replaced by a 500 (default: a line on stderr). */
  onContractViolation?: (violation: ContractViolation) => void;
  /**
   * Sandbox, for testing the contract guard only: changes each answer of the sandbox before Prism
   * validates it. An answer changed so that it breaks the spec reaches the caller as a 500.
   */
  alterSandboxResponse?: AlterResponse;
  /**
   * Sandbox: the URL partners reach this server at (default its own `http://host:port`), for a hosted
   * sandbox behind a proxy: an `ACTIVE` deployment's `link` is `<publicUrl>/deployments/<id>`, and its
   * model endpoint (OpenAI base URL `link + "/inference/v1"`) is served there.
   */
  publicUrl?: string;
  /** Sandbox: the longest one answer of a deployment's endpoint may take, streamed or not, in ms (default 60,000). */
  endpointMaxStreamMs?: number;
}

/** A tenant's sandbox clock, as `GET /__sandbox/clock` shows it. */
export interface SandboxClock {
  /** The tenant's sandbox time (ISO 8601). */
  now: string;
  /** How far it is ahead of real time, in seconds. */
  offset_seconds: number;
}

/** A running mock server. */
export interface MockServer {
  /** Base URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** The port it listens on. */
  port: number;
  mode: 'static' | 'sandbox';
  /** The metrics URL (`http://127.0.0.1:9464/metrics`) when metrics are served. */
  metricsUrl?: string;
  /** The admin API's base URL (`http://127.0.0.1:4011`) when it has a port of its own. */
  adminUrl?: string;
  /** Writes one event to the server's log (a JSON line in log mode, else a line of text). */
  log(level: EventLevel, event: ServerEvent): void;
  /**
   * Sandbox: the sandbox clock of the tenant a credential (a bearer token in open mode, a sandbox key's
   * secret in keys mode) stands for, as `GET /__sandbox/clock` and `POST /__sandbox/clock` serve it.
   */
  clock?: {
    read(credential: string): Promise<SandboxClock>;
    advance(credential: string, seconds: number): Promise<SandboxClock>;
  };
  /**
   * Stops: readiness answers 503 at once, requests are still served for `shutdownGraceMs` (unless
   * `grace` is false), then the server stops accepting connections, lets the requests in flight finish
   * (within `drainTimeoutMs`), and stops everything it started. Calling it again returns the same
   * promise; a call with `grace: false` during the grace period cuts it short.
   */
  close(options?: { grace?: boolean }): Promise<void>;
}

/** Listens on `port`/`host`, with a clear error when the port is taken. */
function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use: stop what uses it or choose another port.`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** What each read of the store reserves in the server's budget of reads in flight. */
function readCosts(maxTenantBytes: number, options: MockServerOptions): ReadCosts {
  const bytes = options.maxReadBytesInFlight ?? defaultReadBudgetBytes(maxTenantBytes);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    budget: new ReadBudget(bytes),
    listBytes: maxTenantBytes,
    oneBytes: Math.min(maxTenantBytes, maxBody),
  };
}

/**
 * Starts the mock server of the Inference API and resolves once it answers.
 *
 * @example
 * const mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0 });
 * await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: 'Bearer test' } });
 * await mock.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const mode = options.mode ?? 'sandbox';
  if (mode !== 'static' && mode !== 'sandbox')
    throw new Error(`mode must be 'static' or 'sandbox' (got '${mode}').`);
  const host = options.host ?? '127.0.0.1';
  const facts = specFacts();
  const cleanups: Array<() => Promise<void> | void> = [];
  let closing: Promise<void> | undefined;
  /** Why readiness answers 503 even with a healthy store: the server is stopping. */
  let stopping: string | undefined;
  let endGrace: (() => void) | undefined;
  const graceMs = options.shutdownGraceMs ?? 0;
  const closeAll = (how: { grace?: boolean } = {}) => {
    if (how.grace === false) endGrace?.();
    closing ??= (async () => {
      stopping = 'Not ready: the server is stopping.';
      if (how.grace !== false && graceMs > 0 && listening) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          endGrace = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      for (const cleanup of [...cleanups].reverse()) await cleanup();
    })();
    return closing;
  };
  let listening = false;

  // pino is loaded only when asked for: a plain sandbox starts without it.
  const log = await operatorLog(options.log ?? false);
  cleanups.push(() => log.flush());
  try {
    let prism: RunningPrism;
    let store: SandboxStore | undefined;
    let publicUrl = options.publicUrl ? publicUrlOf(options.publicUrl) : '';
    const clock = options.clock ?? Date.now;
    const signer = tenantHeader();
    if (mode === 'sandbox') {
      const timings = {
        provisionDelayMs: options.provisionDelayMs ?? 2000,
        deleteDelayMs: options.deleteDelayMs ?? 1000,
      };
      const limits = {
        maxTenants: options.maxTenants ?? DEFAULT_LIMITS.maxTenants,
        maxDeploymentsPerTenant: options.maxDeploymentsPerTenant ?? DEFAULT_LIMITS.maxDeploymentsPerTenant,
        maxTenantBytes: options.maxTenantBytes ?? DEFAULT_LIMITS.maxTenantBytes,
        maxDeployments: options.maxDeployments ?? DEFAULT_LIMITS.maxDeployments,
        maxTotalBytes: options.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes,
        tenantTtlMs: options.tenantTtlMs ?? DEFAULT_LIMITS.tenantTtlMs,
      };
      const storeUrl = options.storeUrl ?? 'memory';
      store =
        options.store ??
        (storeUrl === 'memory'
          ? new MemoryStore(timings, limits)
          : // Loaded only for a Redis store: the memory store starts without the Redis client.
            await (async () => {
              const { RedisStore, storeStatusMessage } = await import('./sandbox/store/redis.js');
              return RedisStore.connect(storeUrl, timings, limits, {
                ...(options.storeKeyPrefix ? { keyPrefix: options.storeKeyPrefix } : {}),
                onStatus: (status, detail) =>
                  log.event(status === 'up' || status === 'store_back' ? 'info' : 'error', {
                    event: status === 'up' || status === 'down' ? `store_${status}` : status,
                    msg: storeStatusMessage(storeUrl, status, detail),
                  }),
              });
            })());
      const owned = store;
      cleanups.push(() => owned.close());
      const backendHandler = sandboxBackend({
        store,
        facts,
        tenantOf: (req) => signer.read(req.headers[TENANT_HEADER]),
        epochOf: (req) => signer.epoch(req.headers[TENANT_HEADER]),
        clock,
        linkOf: (id) => `${publicUrl}/deployments/${encodeURIComponent(id)}`,
        ...(options.alterSandboxResponse ? { alter: options.alterSandboxResponse } : {}),
      });
      // Prism's validating proxy calls the backend in process: no second HTTP hop per request.
      const handler = (req: IncomingMessage, res: ServerResponse) => {
        backendHandler(req, res).catch((error: unknown) => {
          if (error instanceof StoreUnavailableError) return storeUnavailable(res, undefined, error);
          log.event('error', {
            event: 'internal_error',
            msg: `sandbox failed on ${req.method} ${(req.url ?? '').split('?')[0]?.slice(0, 200)}: ${String(error)}`,
          });
          sendJson(res, 500, envelope('The sandbox failed while answering this request.'));
        });
      };
      prism = await startPrism(loadSpec(), { kind: 'sandbox', handler });
    } else {
      prism = await startPrism(loadSpec(), { kind: 'mock' });
    }
    cleanups.push(() => prism.close());

    const front = frontHandler({
      upstream: prism.url,
      facts,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      maxDepth: DEFAULT_MAX_DEPTH,
      chaos: options.chaos ?? 0,
      ...(options.productionQuirks ? { productionQuirks: true } : {}),
      onContractViolation:
        options.onContractViolation ??
        ((v) =>
          log.event('error', {
            event: 'contract_violation',
            msg: `contract violation on ${v.method} ${v.path}: ${JSON.stringify(v.violations)}`,
          })),
    });
    cleanups.push(() => front.close());

    // prom-client is loaded only when asked for: a plain sandbox starts without it.
    const metrics = options.metricsPort === undefined ? undefined : await mockMetrics(store, clock);
    let metricsUrl: string | undefined;
    if (metrics && options.metricsPort !== undefined) {
      const metricsHost = options.metricsHost ?? '127.0.0.1';
      const metricsServer = await serveMetrics(metrics, options.metricsPort, metricsHost);
      cleanups.push(() => stop(metricsServer));
      const metricsPort = (metricsServer.address() as { port: number }).port;
      metricsUrl = `http://${metricsHost.includes(':') ? `[${metricsHost}]` : metricsHost}:${metricsPort}/metrics`;
    }
    if (options.auth === 'keys' && !store) throw new Error("auth 'keys' needs the sandbox mode.");
    const answerBytes = options.maxAnswerBytesPerSecond ?? 0;
    const limits: ConnectionLimits = {
      headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.requestTimeoutMs,
      maxConnections: options.maxConnections ?? DEFAULT_CONNECTION_LIMITS.maxConnections,
      maxConcurrentPerClient:
        options.maxConcurrentPerClient ?? DEFAULT_CONNECTION_LIMITS.maxConcurrentPerClient,
      maxConnectionsPerClient:
        options.maxConnectionsPerClient ?? DEFAULT_CONNECTION_LIMITS.maxConnectionsPerClient,
      trustProxy: options.trustProxy ?? DEFAULT_CONNECTION_LIMITS.trustProxy,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    };
    const gateOptions = {
      ...(store ? { store } : {}),
      facts,
      auth: options.auth ?? 'open',
      ...(options.adminToken ? { adminToken: options.adminToken } : {}),
      rateLimit: options.rateLimit ?? 0,
      maxConcurrent: options.maxConcurrent ?? 0,
      ...(answerBytes > 0 && store ? { answerBudget: new AnswerBudget(answerBytes) } : {}),
      ...(store ? { reads: readCosts(store.limits.maxTenantBytes, options) } : {}),
      tenantHeader: signer.value,
      notReady: () => stopping,
      ...(options.logProbes ? { logProbes: true } : {}),
      log,
      ...(metrics ? { metrics } : {}),
      clock,
      ...(store
        ? {
            endpoint: endpointHandler({
              store,
              contract: endpointContract(),
              clock,
              maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
              maxDepth: DEFAULT_MAX_DEPTH,
              maxStreamMs: options.endpointMaxStreamMs ?? 60_000,
              onContractViolation: (v) =>
                (
                  options.onContractViolation ??
                  ((x) =>
                    log.event('error', {
                      event: 'contract_violation',
                      msg: `contract violation on ${x.method} ${x.path}: ${JSON.stringify(x.violations)}`,
                    }))
                )(v),
            }),
          }
        : {}),
      next: front.handler,
    } as const;
    const ownAdminPort = options.adminPort !== undefined && store !== undefined;
    const guarded = guardedServer(
      gate({ ...gateOptions, admin: ownAdminPort ? 'elsewhere' : 'here' }),
      limits,
      corsPolicy(options.corsOrigins),
    );
    let adminUrl: string | undefined;
    if (ownAdminPort) {
      // The admin API on a listener of its own, so that the partners' port never answers it.
      const adminHost = options.adminHost ?? '127.0.0.1';
      const admin = guardedServer(gate({ ...gateOptions, admin: 'only' }), limits);
      const adminPort = await listen(admin.server, options.adminPort ?? 0, adminHost);
      cleanups.push(() => admin.close(options.drainTimeoutMs ?? 10_000));
      adminUrl = `http://${adminHost.includes(':') ? `[${adminHost}]` : adminHost}:${adminPort}`;
    }
    const port = await listen(guarded.server, options.port ?? 0, host);
    cleanups.push(() => guarded.close(options.drainTimeoutMs ?? 10_000));
    listening = true;

    const urlHost = host.includes(':') ? `[${host}]` : host;
    publicUrl ||= `http://${urlHost}:${port}`;
    return {
      url: `http://${urlHost}:${port}`,
      port,
      mode,
      ...(metricsUrl ? { metricsUrl } : {}),
      ...(adminUrl ? { adminUrl } : {}),
      log: (level, event) => log.event(level, event),
      ...(store ? { clock: sandboxClock(store, options.auth ?? 'open', clock) } : {}),
      close: closeAll,
    };
  } catch (error) {
    await closeAll({ grace: false });
    throw error;
  }
}

/** The programmatic side of `/__sandbox/clock`: a tenant named by its credential, as the gate names it. */
function sandboxClock(
  store: SandboxStore,
  auth: AuthMode,
  clock: () => number,
): NonNullable<MockServer['clock']> {
  const tenantOf = (credential: string) => (auth === 'open' ? tenantOfToken(credential).key : undefined);
  const keyTenant = async (credential: string) => {
    const hash = sha256(credential);
    const key = (await store.listKeys()).find((k) => k.hash === hash);
    if (!key) throw new Error('This sandbox key is not valid: it is unknown or was revoked.');
    return key.name;
  };
  const tenant = async (credential: string) => tenantOf(credential) ?? (await keyTenant(credential));
  return {
    async read(credential) {
      const now = clock();
      return clockView(now, await store.clockOffset(await tenant(credential), now));
    },
    async advance(credential, seconds) {
      const problem = advanceProblem({ advance_seconds: seconds });
      if (problem) throw new Error(`advance_seconds ${problem.message}.`);
      const now = clock();
      const moved = await store.advanceClock(await tenant(credential), Math.round(seconds * 1000), now);
      if (!moved.ok) throw new Error('The sandbox is at capacity: no new tenant can be made now.');
      return clockView(now, moved.offsetMs);
    },
  };
}
