import { applyTransition, callWorthRecording, settle } from '../../rules/lifecycle.js';
import { rateOutcome } from './rate.js';
import {
  type Admission,
  type AdmissionPolicy,
  type Caller,
  type CreateOutcome,
  type DeploymentRecord,
  type NewDeployment,
  type RateOutcome,
  REQUEST_LOG_BYTES,
  REQUEST_LOG_SIZE,
  type RequestEnd,
  type RequestLogEntry,
  type SandboxKey,
  type SandboxStore,
  type SandboxTimings,
  type Status,
  type StoreLimits,
  type StoreStats,
  storedBytes,
  type TransitionOutcome,
} from './types.js';

interface Tenant {
  deployments: Map<string, DeploymentRecord>;
  /** Bytes of its deployments' settings. */
  bytes: number;
  lastSeen: number;
  /** Its request log, oldest first, each entry with its size. */
  log: Array<{ entry: RequestLogEntry; bytes: number }>;
  /** Bytes of its request log. */
  logBytes: number;
  /** How far its sandbox clock is ahead of real time (ms). */
  offset: number;
}

/** The record as stored: without the time it was settled at. */
function stored(d: DeploymentRecord): DeploymentRecord {
  if (d.clockAt === undefined) return d;
  const { clockAt: _, ...rest } = d;
  return rest;
}

/**
 * The sandbox's state in this process's memory (the default): gone when the process stops. Tenants are
 * kept in a map ordered by last use, so expired ones are found at its front without scanning it.
 */
export class MemoryStore implements SandboxStore {
  readonly #tenants = new Map<string, Tenant>();
  readonly #keys = new Map<string, SandboxKey>();
  readonly #keysByHash = new Map<string, SandboxKey>();
  readonly #rate = new Map<string, number>();
  #rateWindow = -1;
  /** Per tenant, the leases of its requests in flight. */
  readonly #slots = new Map<string, Set<string>>();
  #leases = 0;
  #seq = 0;
  #deployments = 0;
  #bytes = 0;

  constructor(
    readonly timings: SandboxTimings,
    readonly limits: StoreLimits,
  ) {}

  /** Forgets the tenants whose last request is older than the time to live (the oldest are first). */
  #expire(now: number): void {
    for (const [key, tenant] of this.#tenants) {
      if (tenant.lastSeen + this.limits.tenantTtlMs > now) break;
      this.#forget(key, tenant);
    }
  }

  #forget(key: string, tenant: Tenant): void {
    this.#deployments -= tenant.deployments.size;
    this.#bytes -= tenant.bytes + tenant.logBytes;
    this.#tenants.delete(key);
  }

  /** The tenant, marked as used at `now`; undefined when it does not exist (or has expired). */
  #touch(key: string, now: number): Tenant | undefined {
    this.#expire(now);
    const tenant = this.#tenants.get(key);
    if (!tenant) return undefined;
    this.#tenants.delete(key);
    tenant.lastSeen = now;
    this.#tenants.set(key, tenant);
    return tenant;
  }

  /** Settles one deployment, removing it (and its bytes) once it is gone. */
  #settle(tenant: Tenant, d: DeploymentRecord, now: number): DeploymentRecord | undefined {
    const settled = settle(d, now, this.timings);
    if (!settled) {
      tenant.deployments.delete(d.id);
      const size = storedBytes(d.settings);
      tenant.bytes -= size;
      this.#deployments--;
      this.#bytes -= size;
    } else if (settled !== d) {
      tenant.deployments.set(d.id, settled);
    }
    return settled;
  }

  /** Whether a request admitted with the sandbox key `epoch` may still write as tenant `key`. */
  #current(key: string, epoch: string | undefined): boolean {
    return epoch === undefined || this.#keysByHash.get(epoch)?.name === key;
  }

  /**
   * Tenant `key`, seen now; a new one if it has none yet and the sandbox has room for it, else the
   * refusal, with when the oldest tenant's room frees up.
   */
  #touchOrAdd(key: string, now: number): Tenant | { reason: 'tenant_capacity'; retryAfterMs: number } {
    const seen = this.#touch(key, now);
    if (seen) return seen;
    if (this.#tenants.size >= this.limits.maxTenants) {
      const oldest = this.#tenants.values().next().value as Tenant;
      return {
        reason: 'tenant_capacity',
        retryAfterMs: Math.max(0, oldest.lastSeen + this.limits.tenantTtlMs - now),
      };
    }
    const tenant: Tenant = {
      deployments: new Map(),
      bytes: 0,
      lastSeen: now,
      log: [],
      logBytes: 0,
      offset: 0,
    };
    this.#tenants.set(key, tenant);
    return tenant;
  }

  async create(key: string, input: NewDeployment, now: number, epoch?: string): Promise<CreateOutcome> {
    if (!this.#current(key, epoch)) return { ok: false, reason: 'revoked' };
    const tenant = this.#touchOrAdd(key, now);
    if ('reason' in tenant) return { ok: false, ...tenant };
    const at = now + tenant.offset;
    for (const d of [...tenant.deployments.values()]) this.#settle(tenant, d, at);
    const size = storedBytes(input.settings);
    const refusal =
      tenant.deployments.size >= this.limits.maxDeploymentsPerTenant
        ? 'tenant_deployments'
        : tenant.bytes + size > this.limits.maxTenantBytes
          ? 'tenant_bytes'
          : this.#deployments >= this.limits.maxDeployments
            ? 'total_deployments'
            : this.#bytes + size > this.limits.maxTotalBytes
              ? 'total_bytes'
              : undefined;
    if (refusal) return { ok: false, reason: refusal };
    const record: DeploymentRecord = {
      ...input,
      seq: this.#seq++,
      createdAt: at,
      status: 'PROVISIONING',
      since: at,
      endTime: null,
      cost: 0,
      costUpdatedAt: null,
    };
    tenant.deployments.set(record.id, record);
    tenant.bytes += size;
    this.#deployments++;
    this.#bytes += size;
    return { ok: true, record };
  }

  async get(key: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    const tenant = this.#touch(key, now);
    const found = tenant?.deployments.get(id);
    if (!tenant || !found) return undefined;
    const at = now + tenant.offset;
    const settled = this.#settle(tenant, found, at);
    return settled && { ...settled, clockAt: at };
  }

  async list(key: string, now: number): Promise<DeploymentRecord[]> {
    const tenant = this.#touch(key, now);
    if (!tenant) return [];
    const at = now + tenant.offset;
    return [...tenant.deployments.values()]
      .map((d) => this.#settle(tenant, d, at))
      .filter((d): d is DeploymentRecord => d !== undefined)
      .map((d) => ({ ...d, clockAt: at }))
      .sort((a, b) => b.seq - a.seq);
  }

  async recordCall(key: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    const d = await this.get(key, id, now);
    if (!d || d.clockAt === undefined || !callWorthRecording(d, d.clockAt)) return d;
    const called = { ...d, lastCallAt: d.clockAt };
    this.#tenants.get(key)?.deployments.set(id, stored(called));
    return called;
  }

  async clockOffset(key: string, now: number): Promise<number> {
    return this.#touch(key, now)?.offset ?? 0;
  }

  async advanceClock(
    key: string,
    ms: number,
    now: number,
  ): Promise<
    { ok: true; offsetMs: number } | { ok: false; reason: 'tenant_capacity'; retryAfterMs: number }
  > {
    const tenant = this.#touchOrAdd(key, now);
    if ('reason' in tenant) return { ok: false, ...tenant };
    tenant.offset += ms;
    return { ok: true, offsetMs: tenant.offset };
  }

  async transition(
    key: string,
    id: string,
    from: readonly Status[],
    to: Status,
    now: number,
  ): Promise<TransitionOutcome> {
    const d = await this.get(key, id, now);
    if (!d) return { ok: false, reason: 'not_found' };
    if (!from.includes(d.status)) return { ok: false, reason: 'conflict', status: d.status };
    const record = stored(applyTransition(d, to, d.clockAt ?? now));
    this.#tenants.get(key)?.deployments.set(id, record);
    return { ok: true, record };
  }

  async reset(key: string, now: number): Promise<number> {
    const tenant = this.#touch(key, now);
    if (!tenant) return 0;
    const count = tenant.deployments.size;
    this.#deployments -= count;
    this.#bytes -= tenant.bytes;
    tenant.deployments.clear();
    tenant.bytes = 0;
    return count;
  }

  async createKey(key: SandboxKey): Promise<'created' | 'exists' | 'full'> {
    if (this.#keys.has(key.name)) return 'exists';
    if (this.#keys.size >= this.limits.maxTenants) return 'full';
    this.#keys.set(key.name, key);
    this.#keysByHash.set(key.hash, key);
    return 'created';
  }

  async listKeys(): Promise<SandboxKey[]> {
    return [...this.#keys.values()];
  }

  async revokeKey(name: string): Promise<boolean> {
    const key = this.#keys.get(name);
    if (!key) return false;
    this.#keys.delete(name);
    this.#keysByHash.delete(key.hash);
    const tenant = this.#tenants.get(name);
    if (tenant) this.#forget(name, tenant);
    this.#slots.delete(name);
    this.#rate.delete(name);
    return true;
  }

  async admit(caller: Caller, policy: AdmissionPolicy, now: number): Promise<Admission> {
    let tenant: string;
    if ('keyHash' in caller) {
      const key = this.#keysByHash.get(caller.keyHash);
      if (!key) return { ok: false, reason: 'unknown_key' };
      tenant = key.name;
    } else {
      tenant = caller.tenant;
    }
    let rate: RateOutcome | undefined;
    if (policy.rateLimit > 0) {
      rate = this.#countRate(tenant, policy.rateLimit, now);
      if (!rate.allowed) return { ok: false, reason: 'rate_limit', tenant, rate };
    }
    if (policy.maxConcurrent > 0) {
      const held = this.#slots.get(tenant) ?? new Set<string>();
      if (held.size >= policy.maxConcurrent) {
        return { ok: false, reason: 'concurrency_limit', tenant, ...(rate ? { rate } : {}) };
      }
      const lease = String(++this.#leases);
      held.add(lease);
      this.#slots.set(tenant, held);
      return { ok: true, tenant, ...(rate ? { rate } : {}), lease };
    }
    return { ok: true, tenant, ...(rate ? { rate } : {}) };
  }

  #countRate(key: string, limit: number, now: number): RateOutcome {
    const window = Math.floor(now / 1000);
    if (window !== this.#rateWindow) {
      // Only the current window's counters are kept: memory stays bounded by one second's requests.
      this.#rate.clear();
      this.#rateWindow = window;
    }
    const used = (this.#rate.get(key) ?? 0) + 1;
    this.#rate.set(key, used);
    return rateOutcome(used, limit, now);
  }

  async finishRequest(key: string, end: RequestEnd, now: number): Promise<void> {
    const held = end.lease ? this.#slots.get(key) : undefined;
    if (held && end.lease) {
      held.delete(end.lease);
      if (held.size === 0) this.#slots.delete(key);
    }
    if (!end.entry || !this.#current(key, end.epoch)) return;
    let tenant = this.#touch(key, now);
    if (!tenant && end.admitted) {
      tenant = { deployments: new Map(), bytes: 0, lastSeen: now, log: [], logBytes: 0, offset: 0 };
      this.#tenants.set(key, tenant);
    }
    if (!tenant) return;
    const bytes = storedBytes(JSON.stringify(end.entry));
    tenant.log.push({ entry: end.entry, bytes });
    tenant.logBytes += bytes;
    this.#bytes += bytes;
    while (tenant.log.length > REQUEST_LOG_SIZE || tenant.logBytes > REQUEST_LOG_BYTES) {
      const dropped = tenant.log.shift() as { bytes: number };
      tenant.logBytes -= dropped.bytes;
      this.#bytes -= dropped.bytes;
    }
  }

  async requestLog(key: string, now: number): Promise<RequestLogEntry[]> {
    return (this.#touch(key, now)?.log ?? []).map((kept) => kept.entry).reverse();
  }

  async stats(now: number): Promise<StoreStats> {
    this.#expire(now);
    return {
      tenants: this.#tenants.size,
      deployments: this.#deployments,
      bytes: this.#bytes,
      keys: this.#keys.size,
      full: false,
    };
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
