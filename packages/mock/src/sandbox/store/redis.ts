import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { applyTransition, settle } from '../lifecycle.js';
import { StoreUnavailableError } from './errors.js';
import { STORE_SCRIPT } from './redis-script.js';
import {
  type CreateOutcome,
  type CreateRefusal,
  type DeploymentRecord,
  type NewDeployment,
  type RateOutcome,
  REQUEST_LOG_SIZE,
  type RequestLogEntry,
  type SandboxKey,
  type SandboxStore,
  type SandboxTimings,
  type Status,
  type StoreLimits,
  type StoreStats,
  type TransitionOutcome,
} from './types.js';
import { redactStoreUrl, storeUrlProblem } from './url.js';

/** How to reach and use Redis. */
export interface RedisStoreOptions {
  /** Prefix of every key the store writes (default `sgi-mock:`); sandboxes with different prefixes share nothing. */
  keyPrefix?: string;
  /** How long one Redis command may take before the request answers 503 (default 2000 ms). */
  commandTimeoutMs?: number;
  /** How long a request's concurrency slot is held at most if its replica dies before giving it back (default 60 s). */
  slotLeaseMs?: number;
  /** Told when Redis becomes unreachable and when it is back (default: a line on stderr for each change). */
  onStatus?: (status: 'up' | 'down', detail: string) => void;
}

const SCRIPT_SHA = createHash('sha1').update(STORE_SCRIPT).digest('hex');

/** Redis's answers that mean "not now" rather than "wrong": the request can be retried later. */
const TRANSIENT_REPLY = /^(LOADING|MISCONF|OOM|READONLY|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

/** The message of an error answer of Redis itself (`ERR ...`, `NOSCRIPT ...`), or undefined for anything else. */
function replyOf(error: unknown): string | undefined {
  return error instanceof Error && error.name === 'ReplyError' ? error.message : undefined;
}

function unavailable(error: unknown): Error {
  const reply = replyOf(error);
  if (reply !== undefined && !TRANSIENT_REPLY.test(reply)) return error as Error;
  return new StoreUnavailableError(error);
}

const parseRecord = (raw: string) => JSON.parse(raw) as DeploymentRecord;

/**
 * The sandbox's state in Redis, shared by any number of sandbox processes: every operation is one Lua
 * script (see `redis-script.ts` for the key layout), so each is atomic across replicas, and a tenant's
 * data expires with Redis's own key expiry. Lifecycle rules (when `PROVISIONING` becomes `ACTIVE`, what a
 * transition changes) stay in `lifecycle.ts`: a transition reads the record, computes the new one, and
 * stores it only if the record is still the one it read (compare-and-set, retried when another replica
 * got there first). While Redis cannot be reached, every operation fails with {@link StoreUnavailableError}
 * at once (no queueing), and the client reconnects by itself.
 */
export class RedisStore implements SandboxStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #slotLeaseMs: number;
  /** The leases this process holds, per tenant, to give back on release. */
  readonly #slots = new Map<string, string[]>();
  #up = false;
  #reportedDown = false;
  #lastError = 'not connected yet';
  readonly #onStatus: NonNullable<RedisStoreOptions['onStatus']>;

  private constructor(
    url: string,
    readonly timings: SandboxTimings,
    readonly limits: StoreLimits,
    options: RedisStoreOptions,
  ) {
    this.#prefix = options.keyPrefix ?? 'sgi-mock:';
    this.#slotLeaseMs = options.slotLeaseMs ?? 60_000;
    const onStatus =
      options.onStatus ??
      ((status, detail) =>
        process.stderr.write(
          status === 'up'
            ? `sgi-mock: store ${redactStoreUrl(url)} is reachable\n`
            : `sgi-mock: store ${redactStoreUrl(url)} is unreachable (${detail}); answering 503 until it is back\n`,
        ));
    this.#redis = new Redis(url, {
      // Fail at once while Redis is away (503, safe to retry) instead of queueing requests in memory.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A command whose answer was lost may or may not have run: never send it again on its own.
      autoResendUnfulfilledCommands: false,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    });
    this.#onStatus = onStatus;
    this.#redis.on('ready', () => {
      this.#up = true;
      if (this.#reportedDown) onStatus('up', 'ready');
      this.#reportedDown = false;
    });
    this.#redis.on('error', (error: Error) => {
      this.#lastError = (error as NodeJS.ErrnoException).code ?? error.message;
    });
    this.#redis.on('close', () => {
      if (!this.#up) return;
      this.#up = false;
      this.#reportedDown = true;
      // 'close' comes before the 'error' that explains it: report on the next turn.
      setImmediate(() => onStatus('down', this.#lastError));
    });
  }

  /**
   * Connects to Redis at `url` (see {@link storeUrlProblem}). Resolves once Redis answers, or after
   * `waitMs` (default 5 s) even if it does not: the server then answers 503 and reports not ready
   * until Redis is reachable, and recovers by itself.
   */
  static async connect(
    url: string,
    timings: SandboxTimings,
    limits: StoreLimits,
    options: RedisStoreOptions & { waitMs?: number } = {},
  ): Promise<RedisStore> {
    const problem = storeUrlProblem(url);
    if (problem) throw new Error(`The store URL ${problem}.`);
    const store = new RedisStore(url, timings, limits, options);
    await store.#whenReady(options.waitMs ?? 5000);
    if (!store.#up) {
      store.#reportedDown = true;
      store.#onStatus('down', store.#lastError);
    }
    return store;
  }

  #whenReady(waitMs: number): Promise<void> {
    if (this.#redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.#redis.once('ready', done);
    });
  }

  async #run(op: string, ...args: Array<string | number>): Promise<unknown> {
    const argv = [op, this.#prefix, ...args];
    try {
      try {
        return await this.#redis.evalsha(SCRIPT_SHA, 0, ...argv);
      } catch (error) {
        // Redis forgets loaded scripts when it restarts: load it again (once, by sending it whole).
        if (!replyOf(error)?.startsWith('NOSCRIPT')) throw error;
        return await this.#redis.eval(STORE_SCRIPT, 0, ...argv);
      }
    } catch (error) {
      throw unavailable(error);
    }
  }

  get #ttl(): number {
    return this.limits.tenantTtlMs;
  }

  async create(tenant: string, input: NewDeployment, now: number): Promise<CreateOutcome> {
    const { maxTenants, maxDeploymentsPerTenant, maxTenantBytes, maxDeployments, maxTotalBytes } =
      this.limits;
    const record: Omit<DeploymentRecord, 'seq'> = {
      ...input,
      createdAt: now,
      status: 'PROVISIONING',
      since: now,
      endTime: null,
      cost: 0,
      costUpdatedAt: null,
    };
    const size = input.settings.length;
    const answer = (await this.#run(
      'create',
      tenant,
      now,
      this.#ttl,
      maxTenants,
      maxDeploymentsPerTenant,
      maxTenantBytes,
      maxDeployments,
      maxTotalBytes,
      input.id,
      size,
      // The script puts `{"seq":N,` in front.
      JSON.stringify(record).slice(1),
    )) as [string, number?];
    if (answer[0] === 'ok') return { ok: true, record: { ...record, seq: Number(answer[1]) } };
    const reason = answer[0] as CreateRefusal;
    return reason === 'tenant_capacity'
      ? { ok: false, reason, retryAfterMs: Number(answer[1]) }
      : { ok: false, reason };
  }

  async #read(tenant: string, id: string, now: number): Promise<string | null> {
    return (await this.#run('get', tenant, now, this.#ttl, id)) as string | null;
  }

  async get(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    const raw = await this.#read(tenant, id, now);
    return raw === null ? undefined : settle(parseRecord(raw), now, this.timings);
  }

  async list(tenant: string, now: number): Promise<DeploymentRecord[]> {
    const raws = ((await this.#run('list', tenant, now, this.#ttl)) as string[] | null) ?? [];
    return raws
      .map((raw) => settle(parseRecord(raw), now, this.timings))
      .filter((d): d is DeploymentRecord => d !== undefined)
      .sort((a, b) => b.seq - a.seq);
  }

  async transition(
    tenant: string,
    id: string,
    from: readonly Status[],
    to: Status,
    now: number,
  ): Promise<TransitionOutcome> {
    let raw = await this.#read(tenant, id, now);
    // Each retry means another replica changed this deployment in between; a handful is plenty.
    for (let attempt = 0; attempt < 50; attempt++) {
      const d = raw === null ? undefined : settle(parseRecord(raw), now, this.timings);
      if (raw === null || !d) return { ok: false, reason: 'not_found' };
      if (!from.includes(d.status)) return { ok: false, reason: 'conflict', status: d.status };
      const record = applyTransition(d, to, now);
      const goneAt = to === 'DELETING' ? String(now + this.timings.deleteDelayMs) : '';
      const answer = (await this.#run(
        'cas',
        tenant,
        now,
        this.#ttl,
        id,
        raw,
        JSON.stringify(record),
        goneAt,
      )) as [string, string?];
      if (answer[0] === 'ok') return { ok: true, record };
      if (answer[0] === 'not_found') return { ok: false, reason: 'not_found' };
      raw = answer[1] ?? null;
    }
    throw new StoreUnavailableError(new Error(`deployment ${id} kept changing under this transition`));
  }

  async reset(tenant: string, now: number): Promise<number> {
    return Number(await this.#run('reset', tenant, now, this.#ttl));
  }

  async createKey(key: SandboxKey): Promise<'created' | 'exists' | 'full'> {
    return (await this.#run('key-create', key.name, key.hash, JSON.stringify(key), this.limits.maxTenants)) as
      | 'created'
      | 'exists'
      | 'full';
  }

  async findKey(hash: string): Promise<SandboxKey | undefined> {
    const raw = (await this.#run('key-find', hash)) as string | null;
    return raw === null ? undefined : (JSON.parse(raw) as SandboxKey);
  }

  async listKeys(): Promise<SandboxKey[]> {
    const raws = (await this.#redis.hvals(`${this.#prefix}keys`).catch((e: unknown) => {
      throw unavailable(e);
    })) as string[];
    return raws
      .map((raw) => JSON.parse(raw) as SandboxKey)
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  async revokeKey(name: string): Promise<boolean> {
    return Number(await this.#run('key-revoke', name)) === 1;
  }

  async consumeRate(tenant: string, limit: number, now: number): Promise<RateOutcome> {
    const window = Math.floor(now / 1000);
    const used = Number(await this.#run('rate', tenant, window));
    return {
      allowed: used <= limit,
      limit,
      remaining: Math.max(0, limit - used),
      resetMs: (window + 1) * 1000 - now,
    };
  }

  async acquireSlot(tenant: string, max: number): Promise<boolean> {
    const lease = randomUUID();
    const taken = Number(await this.#run('slot-acquire', tenant, max, lease, this.#slotLeaseMs)) === 1;
    if (taken) {
      const held = this.#slots.get(tenant);
      if (held) held.push(lease);
      else this.#slots.set(tenant, [lease]);
    }
    return taken;
  }

  async releaseSlot(tenant: string): Promise<void> {
    const held = this.#slots.get(tenant);
    const lease = held?.pop();
    if (held && held.length === 0) this.#slots.delete(tenant);
    if (lease) await this.#run('slot-release', tenant, lease);
  }

  async appendRequestLog(
    tenant: string,
    entry: RequestLogEntry,
    now: number,
    admitted: boolean,
  ): Promise<void> {
    await this.#run(
      'log-append',
      tenant,
      now,
      this.#ttl,
      admitted ? '1' : '0',
      JSON.stringify(entry),
      REQUEST_LOG_SIZE,
    );
  }

  async requestLog(tenant: string, now: number): Promise<RequestLogEntry[]> {
    const raws = (await this.#run('log-read', tenant, now, this.#ttl)) as string[];
    return raws.map((raw) => JSON.parse(raw) as RequestLogEntry);
  }

  async stats(now: number): Promise<StoreStats> {
    const [tenants, deployments, bytes, keys] = (await this.#run('stats', now, this.#ttl)) as number[];
    return {
      tenants: Number(tenants),
      deployments: Number(deployments),
      bytes: Number(bytes),
      keys: Number(keys),
    };
  }

  async ready(): Promise<boolean> {
    if (this.#redis.status !== 'ready') return false;
    try {
      return (await this.#redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }
}
