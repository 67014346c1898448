import { createHash, randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

/** How long the sandbox's transitions take. */
export interface SandboxTimings {
  /** From `PROVISIONING` to `ACTIVE`, after create or start. */
  provisionDelayMs: number;
  /** From `DELETING` to gone, after delete. */
  deleteDelayMs: number;
}

/** Bounds that keep the sandbox's memory in check. */
export interface SandboxLimits {
  /** Tokens remembered at once; the least recently used one is forgotten first. */
  maxTenants: number;
  /** Deployments one token may hold; create answers 403 beyond it. */
  maxDeploymentsPerTenant: number;
  /** Deployments held in all; beyond it, the least recently used tokens are forgotten first. */
  maxDeployments: number;
}

type Status = 'PROVISIONING' | 'ACTIVE' | 'INACTIVE' | 'FAILED' | 'DELETING';

/** Why a deployment asked to fail (`X-Sandbox-Outcome: fail`) is `FAILED`, in its `metadata`. */
export const FAILURE_REASON =
  'Provisioning failed: the create request asked the sandbox for it (X-Sandbox-Outcome: fail).';

interface Deployment {
  id: string;
  /** Ends provisioning as `FAILED` instead of `ACTIVE`. */
  fails: boolean;
  seq: number;
  settings: Json;
  timestamp: string;
  status: Status;
  /** When the current status began (ms since the epoch). */
  since: number;
  endTime: string | null;
  /** Cost accrued before the current `ACTIVE` period, in US dollars. */
  cost: number;
  costUpdatedAt: string | null;
  pricePerHour: number;
}

interface Tenant {
  userId: string;
  deployments: Map<string, Deployment>;
}

/** The outcome of an operation on one deployment. */
export type Outcome = { ok: true; message: string } | { ok: false; status: 404 | 409; message: string };

const iso = (ms: number) => new Date(ms).toISOString();
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** A made-up hourly price, so that `current_price_per_hour` and `cost` move like the real ones. */
function priceOf(settings: Json): number {
  const workers = (settings.initial_worker_config ?? {}) as Json;
  const gpus = typeof workers.initial_workers_gpu_num === 'number' ? workers.initial_workers_gpu_num : 1;
  const count = typeof workers.min_workers === 'number' ? Math.max(1, workers.min_workers) : 1;
  return round(Math.max(1, gpus) * count * 1.5);
}

/**
 * The sandbox's state: deployments per tenant (a tenant is a bearer token, kept only as its SHA-256),
 * moving through their statuses as time passes. Transitions are computed when a deployment is read, so
 * the store needs no timers and a closed server leaves nothing behind.
 */
export class SandboxStore {
  readonly #tenants = new Map<string, Tenant>();
  #seq = 0;
  /** Deployments held across all tenants. */
  #count = 0;

  constructor(
    readonly timings: SandboxTimings,
    readonly limits: SandboxLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** The tenant of a token, created on first use; marks it as recently used. */
  #tenant(token: string): Tenant {
    const key = createHash('sha256').update(token).digest('hex');
    let tenant = this.#tenants.get(key);
    if (tenant) {
      this.#tenants.delete(key);
    } else {
      tenant = { userId: `usr_${key.slice(0, 12)}`, deployments: new Map() };
      while (this.#tenants.size >= this.limits.maxTenants) this.#forgetOldest();
    }
    this.#tenants.set(key, tenant);
    return tenant;
  }

  /** Brings a deployment's status up to date; returns undefined once it is gone. */
  #advance(tenant: Tenant, d: Deployment, now: number): Deployment | undefined {
    if (d.status === 'PROVISIONING' && now >= d.since + this.timings.provisionDelayMs) {
      d.status = d.fails ? 'FAILED' : 'ACTIVE';
      d.since += this.timings.provisionDelayMs;
      if (d.fails) d.endTime = iso(d.since);
    }
    if (d.status === 'DELETING' && now >= d.since + this.timings.deleteDelayMs) {
      tenant.deployments.delete(d.id);
      this.#count--;
      return undefined;
    }
    return d;
  }

  #find(token: string, id: string): { tenant: Tenant; d: Deployment | undefined; now: number } {
    const tenant = this.#tenant(token);
    const now = this.now();
    const found = tenant.deployments.get(id);
    return { tenant, d: found && this.#advance(tenant, found, now), now };
  }

  /** Ends an `ACTIVE` period: its cost is added up and the endpoint goes away. */
  #leave(d: Deployment, now: number): void {
    if (d.status === 'ACTIVE') {
      d.cost = round(d.cost + (d.pricePerHour * (now - d.since)) / 3_600_000);
      d.costUpdatedAt = iso(now);
    }
  }

  /** Records a new deployment as `PROVISIONING`; undefined when the tenant holds too many. */
  create(token: string, settings: Json, outcome: { fails?: boolean } = {}): string | undefined {
    const tenant = this.#tenant(token);
    const now = this.now();
    for (const d of [...tenant.deployments.values()]) this.#advance(tenant, d, now);
    if (tenant.deployments.size >= this.limits.maxDeploymentsPerTenant) return undefined;
    // The caller's tenant is the most recently used, so it is forgotten last.
    while (this.#count >= this.limits.maxDeployments && this.#tenants.size > 1) this.#forgetOldest();
    if (this.#count >= this.limits.maxDeployments) return undefined;
    this.#count++;
    const id = randomUUID();
    tenant.deployments.set(id, {
      id,
      fails: outcome.fails === true,
      seq: this.#seq++,
      settings,
      timestamp: iso(now),
      status: 'PROVISIONING',
      since: now,
      endTime: null,
      cost: 0,
      costUpdatedAt: null,
      pricePerHour: priceOf(settings),
    });
    return id;
  }

  /** One deployment as the API returns it, or undefined when this token has no such deployment. */
  get(token: string, id: string): Json | undefined {
    const { tenant, d, now } = this.#find(token, id);
    return d && this.#view(tenant, d, now);
  }

  /** The token's deployments, newest first. */
  list(token: string): Json[] {
    const tenant = this.#tenant(token);
    const now = this.now();
    return [...tenant.deployments.values()]
      .map((d) => this.#advance(tenant, d, now))
      .filter((d): d is Deployment => d !== undefined)
      .sort((a, b) => b.seq - a.seq)
      .map((d) => this.#view(tenant, d, now));
  }

  /** Scales an `ACTIVE` or `PROVISIONING` deployment to zero: `INACTIVE`. */
  stop(token: string, id: string): Outcome {
    const { d, now } = this.#find(token, id);
    if (!d) return notFound(id);
    if (d.status !== 'ACTIVE' && d.status !== 'PROVISIONING') {
      return conflict(id, d.status, 'only an ACTIVE or PROVISIONING deployment can be stopped');
    }
    this.#leave(d, now);
    d.status = 'INACTIVE';
    d.since = now;
    d.endTime = iso(now);
    return { ok: true, message: `Deployment ${id} is scaling to zero.` };
  }

  /** Starts an `INACTIVE` deployment again: `PROVISIONING`, then `ACTIVE`. */
  start(token: string, id: string): Outcome {
    const { d, now } = this.#find(token, id);
    if (!d) return notFound(id);
    if (d.status !== 'INACTIVE') return conflict(id, d.status, 'only an INACTIVE deployment can be started');
    d.status = 'PROVISIONING';
    d.since = now;
    d.endTime = null;
    return { ok: true, message: `Deployment ${id} is starting.` };
  }

  /** Starts tearing a deployment down: `DELETING`, then gone. */
  delete(token: string, id: string): Outcome {
    const { d, now } = this.#find(token, id);
    if (!d) return notFound(id);
    if (d.status === 'DELETING') return conflict(id, d.status, 'it is already being deleted');
    this.#leave(d, now);
    d.status = 'DELETING';
    d.since = now;
    d.endTime = iso(now);
    return { ok: true, message: `Deployment ${id} is being deleted.` };
  }

  /** Forgets every deployment of a token; returns how many there were. */
  reset(token: string): number {
    const tenant = this.#tenant(token);
    const count = tenant.deployments.size;
    tenant.deployments.clear();
    this.#count -= count;
    return count;
  }

  /** Forgets the least recently used tenant and its deployments. */
  #forgetOldest(): void {
    const [key, oldest] = this.#tenants.entries().next().value as [string, Tenant];
    this.#count -= oldest.deployments.size;
    this.#tenants.delete(key);
  }

  /** How many tenants and deployments the store holds (for memory checks). */
  size(): { tenants: number; deployments: number } {
    return { tenants: this.#tenants.size, deployments: this.#count };
  }

  #view(tenant: Tenant, d: Deployment, now: number): Json {
    const active = d.status === 'ACTIVE';
    return {
      ...d.settings,
      id: d.id,
      user_id: tenant.userId,
      status: d.status,
      current_price_per_hour: active ? d.pricePerHour : 0,
      cost: active ? round(d.cost + (d.pricePerHour * (now - d.since)) / 3_600_000) : d.cost,
      last_cost_updated_time: active ? iso(now) : d.costUpdatedAt,
      timestamp: d.timestamp,
      link: active ? `https://${d.id}.sandbox.invalid` : null,
      end_time: d.endTime,
      metadata: d.status === 'FAILED' ? { failure_reason: FAILURE_REASON } : {},
    };
  }
}

function notFound(id: string): Outcome {
  return { ok: false, status: 404, message: `Deployment ${id} was not found.` };
}

function conflict(id: string, status: Status, rule: string): Outcome {
  return { ok: false, status: 409, message: `Deployment ${id} is ${status}; ${rule}.` };
}
