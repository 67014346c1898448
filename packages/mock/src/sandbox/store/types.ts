/**
 * The sandbox's state store: everything the sandbox remembers (tenants, sandbox keys, deployments,
 * quotas, rate-limit counters, request logs) goes through this one asynchronous interface, so that
 * the in-memory store and a shared store (several replicas on one database) are interchangeable.
 *
 * Each method is one atomic step: a store shared by replicas must run each as one transaction or
 * script, so that two replicas racing on one deployment see exactly one winner. Times are passed in
 * (`now`, ms since the epoch) so that every replica computes the same lifecycle from stored timestamps.
 * Tenants live and expire by real time; a deployment's lifecycle follows its tenant's sandbox clock
 * (`now` plus the tenant's offset, see {@link SandboxStore.advanceClock}), which the store applies.
 */

/** A deployment's status, as the API names it. */
export type Status = 'PROVISIONING' | 'ACTIVE' | 'INACTIVE' | 'FAILED' | 'DELETING';

/** A deployment as stored: plain, serialisable data (its settings as JSON text). */
export interface DeploymentRecord {
  id: string;
  /** Creation order within the store; lists are newest first. */
  seq: number;
  /** What the caller sent, with the spec's defaults filled in, as JSON text. */
  settings: string;
  /** Ends provisioning as `FAILED` instead of `ACTIVE` (`X-Sandbox-Outcome: fail`). */
  fails: boolean;
  createdAt: number;
  /** The stored status; {@link settle} brings it up to date with the clock. */
  status: Status;
  /** When the stored status began. */
  since: number;
  endTime: number | null;
  /** Cost accrued before the current `ACTIVE` period, in US dollars. */
  cost: number;
  costUpdatedAt: number | null;
  pricePerHour: number;
  /** Scales to zero after this long without a call to its endpoint (`autoscaling_config.scale_to_zero`). */
  idleTimeoutMs?: number;
  /** The last call to its endpoint that was written down (sandbox time). */
  lastCallAt?: number;
  /**
   * Not stored: the tenant's sandbox time the store settled this record at (its clock, moved forward by
   * `POST /__sandbox/clock`), for the cost shown with it.
   */
  clockAt?: number;
}

/** What create needs to store a new deployment. */
export interface NewDeployment {
  id: string;
  settings: string;
  fails: boolean;
  pricePerHour: number;
  idleTimeoutMs?: number;
}

/** How long the sandbox's transitions take. */
export interface SandboxTimings {
  /** From `PROVISIONING` to `ACTIVE` (or `FAILED`), after create or start. */
  provisionDelayMs: number;
  /** From `DELETING` to gone, after delete. */
  deleteDelayMs: number;
}

/** Bounds on what the store holds. Reaching one refuses the new thing; nothing is ever evicted to make room. */
export interface StoreLimits {
  /** Tenants held at once (in keys mode: sandbox keys). A new tenant beyond it is refused. */
  maxTenants: number;
  /** Deployments one tenant may hold. */
  maxDeploymentsPerTenant: number;
  /** Bytes (UTF-8, as stored) of deployment settings one tenant may hold. */
  maxTenantBytes: number;
  /** Deployments held in all. */
  maxDeployments: number;
  /** Bytes (UTF-8, as stored) held in all: deployment settings and request logs. */
  maxTotalBytes: number;
  /** A tenant that makes no request for this long is forgotten with all its data (its sandbox key stays). */
  tenantTtlMs: number;
}

/** Why a create was refused. */
export type CreateRefusal =
  | 'revoked'
  | 'store_full'
  | 'tenant_capacity'
  | 'tenant_deployments'
  | 'tenant_bytes'
  | 'total_deployments'
  | 'total_bytes';

/** The outcome of a create. `retryAfterMs` (for `tenant_capacity`): when the least recently used tenant expires. */
export type CreateOutcome =
  | { ok: true; record: DeploymentRecord }
  | { ok: false; reason: CreateRefusal; retryAfterMs?: number };

/** The outcome of a transition: the record afterwards, or why it did not happen (`status` is the current one). */
export type TransitionOutcome =
  | { ok: true; record: DeploymentRecord }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; status: Status };

/** An operator-issued sandbox key. The secret itself is never stored: only its SHA-256. */
export interface SandboxKey {
  /** The partner, and the tenant's name (`acme`). */
  name: string;
  /** SHA-256 (hex) of the secret. */
  hash: string;
  /** The secret's first characters, to tell keys apart in a list (`sgi_sbx_AbC`). */
  prefix: string;
  createdAt: number;
}

/** The outcome of counting one request against a tenant's rate (a fixed one-second window). */
export interface RateOutcome {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

/** Who a request comes from: a tenant already known (open mode), or the SHA-256 of a sandbox key's secret (keys mode). */
export type Caller = { tenant: string } | { keyHash: string };

/** The limits a request is held to before it is served; 0 for no limit. */
export interface AdmissionPolicy {
  /** Requests per one-second window per tenant. */
  rateLimit: number;
  /** Requests in flight at once per tenant. */
  maxConcurrent: number;
}

/**
 * The outcome of admitting a request. `tenant` is the caller's tenant (a sandbox key's name in keys mode);
 * `rate` is there when a rate limit applies; `lease` names the concurrency slot taken, to give back with
 * {@link SandboxStore.finishRequest}.
 */
export type Admission =
  | { ok: true; tenant: string; rate?: RateOutcome; lease?: string }
  | { ok: false; reason: 'unknown_key' }
  | { ok: false; reason: 'rate_limit'; tenant: string; rate: RateOutcome }
  | { ok: false; reason: 'concurrency_limit'; tenant: string; rate?: RateOutcome };

/** One request in a tenant's request log: what a partner needs to debug an integration. No secret is kept. */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  request_id: string;
  duration_ms: number;
  /** The fields the request was refused for (the first few), when it was. */
  errors?: Array<{ field: string; message: string; code?: string }>;
}

/** How many entries a tenant's request log keeps: the newest. */
export const REQUEST_LOG_SIZE = 100;

/**
 * How many bytes of entries (UTF-8 JSON, as stored) a tenant's request log keeps at most: the newest that
 * fit. A log's bytes count in the store's bytes held in all ({@link StoreLimits.maxTotalBytes}).
 */
export const REQUEST_LOG_BYTES = 32 * 1024;

/** The bytes a stored text takes: UTF-8, as the store keeps it (a CJK character is 3 bytes, not 1). */
export function storedBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** What is left to do once a request is answered. */
export interface RequestEnd {
  /** The concurrency slot the request held ({@link Admission}), to give back. */
  lease?: string;
  /** The request's entry for the tenant's request log. */
  entry?: RequestLogEntry;
  /** The tenant exists by its sandbox key: its log is kept before it creates anything. */
  admitted: boolean;
  /** The sandbox key the request was admitted with ({@link SandboxStore.create}): no entry once it is revoked. */
  epoch?: string;
}

/** What the store holds, for metrics and readiness. */
export interface StoreStats {
  tenants: number;
  deployments: number;
  /** Bytes held (UTF-8, as stored): deployment settings and request logs. */
  bytes: number;
  keys: number;
  /** The store refuses new data for lack of room (a Redis at its `maxmemory`); reads and reset go on. */
  full: boolean;
}

/** The sandbox's state; see the module comment. `tenant` is always an opaque key (a token hash or a key name). */
export interface SandboxStore {
  readonly limits: StoreLimits;
  readonly timings: SandboxTimings;

  /**
   * Stores a new `PROVISIONING` deployment. Creates the tenant when it does not exist yet, unless
   * `maxTenants` are held (`tenant_capacity`); checks every count and byte limit first. With `epoch` (the
   * SHA-256 of the sandbox key the request was admitted with), refused as `revoked` unless that key is
   * still the tenant's: a request in flight when its key is revoked never brings the tenant back.
   */
  create(tenant: string, deployment: NewDeployment, now: number, epoch?: string): Promise<CreateOutcome>;
  /** One deployment, settled to `now`; undefined when the tenant has no such deployment. Never creates a tenant. */
  get(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined>;
  /** The tenant's deployments settled to `now`, newest first (bounded by the tenant's limits). Never creates a tenant. */
  list(tenant: string, now: number): Promise<DeploymentRecord[]>;
  /**
   * Moves a deployment from one of `from` (its status settled to `now`) to `to`, with the effects of
   * {@link applyTransition}, as one atomic step.
   */
  transition(
    tenant: string,
    id: string,
    from: readonly Status[],
    to: Status,
    now: number,
  ): Promise<TransitionOutcome>;
  /**
   * A call to a deployment's endpoint: the deployment settled to `now`, with the call written down as its
   * last one when it is `ACTIVE` and scales to zero (see {@link callWorthRecording}); undefined when the
   * tenant has no such deployment. Never creates a tenant.
   */
  recordCall(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined>;
  /**
   * How far the tenant's sandbox clock is ahead of real time, in ms (0 for a tenant that never moved it,
   * or does not exist). Every time the store applies lifecycle rules with is `now` plus this.
   */
  clockOffset(tenant: string, now: number): Promise<number>;
  /**
   * Moves the tenant's sandbox clock forward by `ms` and returns its new offset; creates the tenant
   * when it does not exist yet, unless `maxTenants` are held. Another tenant's clock never moves.
   */
  advanceClock(
    tenant: string,
    ms: number,
    now: number,
  ): Promise<{ ok: true; offsetMs: number } | { ok: false; reason: 'tenant_capacity'; retryAfterMs: number }>;
  /** Forgets every deployment of a tenant; returns how many there were. */
  reset(tenant: string, now: number): Promise<number>;

  /** Records a sandbox key; `exists` when its name is taken, `full` when `maxTenants` keys are held. */
  createKey(key: SandboxKey): Promise<'created' | 'exists' | 'full'>;
  /** Every key, oldest first. */
  listKeys(): Promise<SandboxKey[]>;
  /** Revokes a key and forgets its tenant's data; false when there is no such key. */
  revokeKey(name: string): Promise<boolean>;

  /**
   * Admits one request, as one atomic step: finds the caller's tenant (a `keyHash` that names no sandbox
   * key, or a revoked one, is `unknown_key`), counts the request in the tenant's current one-second window
   * (refused beyond `rateLimit`), then takes one of its `maxConcurrent` slots (refused when all are
   * taken). A request refused for its rate takes no slot.
   */
  admit(caller: Caller, policy: AdmissionPolicy, now: number): Promise<Admission>;
  /**
   * Ends an answered request: gives back its concurrency slot at once and appends its entry to the
   * tenant's request log (keeping the newest {@link REQUEST_LOG_SIZE}; only for a tenant that exists,
   * unless `admitted`). A shared store may send an entry with its next command rather than on its own,
   * within a bounded delay, and always before any later request log read of its own.
   */
  finishRequest(tenant: string, end: RequestEnd, now: number): Promise<void>;
  /** The tenant's request log, newest first. */
  requestLog(tenant: string, now: number): Promise<RequestLogEntry[]>;

  stats(now: number): Promise<StoreStats>;
  /** Whether the store can serve (a shared store: whether its database answers). */
  ready(): Promise<boolean>;
  /**
   * Shared stores: claims (or renews) for `ttlMs` the role of the one replica that reports the store's
   * figures in metrics; true when `replica` holds it. A store of one process has no such method.
   */
  claimReporter?(replica: string, ttlMs: number): Promise<boolean>;
  /** Why the store is not ready, in words fit for a partner's 503 (no address); undefined when it is, or when it cannot say. */
  problem?(): string | undefined;
  close(): Promise<void>;
}
