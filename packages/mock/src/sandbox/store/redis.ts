import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { applyTransition, callWorthRecording, settle } from '../../rules/lifecycle.js';
import { StoreFullError, StoreIdentityError, StoreUnavailableError } from './errors.js';
import { IDENTITY_CHECK_SCRIPT, identityProblem, identityVerdict } from './identity.js';
import { rateOutcome } from './rate.js';
import { STORE_SCRIPT } from './redis-script.js';
import {
  type Admission,
  type AdmissionPolicy,
  type Caller,
  type CreateOutcome,
  type CreateRefusal,
  type DeploymentRecord,
  type NewDeployment,
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
import { redactStoreUrl, storeUrlProblem } from './url.js';

/** How to reach and use Redis. */
export interface RedisStoreOptions {
  /** Prefix of every key the store writes (default `sgi-mock:`); sandboxes with different prefixes share nothing. */
  keyPrefix?: string;
  /**
   * How long Redis may leave the commands sent to it unanswered (no byte of any answer arriving while
   * commands wait) before it is judged stalled (default 2000 ms): the requests waiting then answer 503,
   * and so do those that wait through each further such span. Judged by the connection making no
   * progress over several turns of this process's event loop, never by one command's wall time: a replica
   * whose own event loop was busy reads the answers waiting for it before it judges.
   */
  commandTimeoutMs?: number;
  /**
   * How long a request's concurrency slot lasts unless its replica renews it (default 6 s). A replica renews
   * the slots of its requests in flight every third of that, in one command; a slot whose release was lost
   * (Redis stalled, a replica died, an admission that timed out here but ran in Redis later) ends at most
   * this long after its request ended.
   */
  slotLeaseMs?: number;
  /** Told when Redis becomes full (refuses new data) and when it has room again (default: a line on stderr for each). */
  onFull?: (full: boolean) => void;
  /**
   * Told when Redis becomes unreachable and when it is back, when it is not the store this replica was
   * using (`wrong_store`: emptied or replaced, see `identity.ts`) and when it is again (`store_back`: the
   * original is back, or an operator accepted the new one). Default: a line on stderr for each change.
   */
  onStatus?: (status: StoreStatus, detail: string) => void;
  /**
   * How long a request-log entry may wait for this store's next command to go with, before it is sent on
   * its own (default 20 ms). A request served right after reads its entry in either case.
   */
  requestLogDelayMs?: number;
}

/** Takes or renews the metrics reporter's lease (KEYS[1]) for ARGV[1] when free or already its own. */
const REPORTER_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
return 0
`;

/** A change of the store's state a replica reports. */
export type StoreStatus = 'up' | 'down' | 'wrong_store' | 'store_back';

/** How often a replica that found the wrong store looks again, with no request asking. */
const IDENTITY_RECHECK_MS = 1000;

/** How long a concurrency slot lasts unless renewed (see {@link RedisStoreOptions.slotLeaseMs}). */
export const DEFAULT_SLOT_LEASE_MS = 6000;

/**
 * Turns of the stall watch without any answer from Redis, while commands wait, before Redis is judged
 * stalled (and at least `commandTimeoutMs` between the first and the last). Between two turns this
 * process reads whatever its sockets received, so an answer that came in while its event loop was busy
 * is seen before the next turn.
 */
const STALL_TURNS = 4;

/** Request-log entries one command carries at most: with more waiting, they are sent at once. */
const MAX_CARRIED = 50;

const SCRIPT_SHA = createHash('sha1').update(STORE_SCRIPT).digest('hex');

/** Redis's answers that mean "not now" rather than "wrong": the request can be retried later. */
const TRANSIENT_REPLY = /^(LOADING|MISCONF|OOM|READONLY|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

/** The message of an error answer of Redis itself (`ERR ...`, `NOSCRIPT ...`), or undefined for anything else. */
function replyOf(error: unknown): string | undefined {
  return error instanceof Error && error.name === 'ReplyError' ? error.message : undefined;
}

function unavailable(error: unknown): Error {
  const reply = replyOf(error);
  if (reply?.startsWith('OOM')) return new StoreFullError(error);
  if (reply !== undefined && !TRANSIENT_REPLY.test(reply)) return error as Error;
  return new StoreUnavailableError(error);
}

const parseRecord = (raw: string) => JSON.parse(raw) as DeploymentRecord;

/** What create sends in place of the record's times: the script writes the tenant's sandbox time there. */
const AT = '@@AT@@';

/** The record as stored: without the time it was settled at. */
function stored(d: DeploymentRecord): DeploymentRecord {
  if (d.clockAt === undefined) return d;
  const { clockAt: _, ...rest } = d;
  return rest;
}

/**
 * The sandbox's state in Redis, shared by any number of sandbox processes: every operation is one Lua
 * script (see `redis-script.ts` for the key layout), so each is atomic across replicas, and a tenant's
 * data expires with Redis's own key expiry. Lifecycle rules (when `PROVISIONING` becomes `ACTIVE`, what a
 * transition changes) stay in `lifecycle.ts`: a transition reads the record, computes the new one, and
 * stores it only if the record is still the one it read (compare-and-set, retried when another replica
 * got there first). Each operation is one command, one round trip: the request-log entries of answered
 * requests ride along with the next one (see {@link RedisStore.finishRequest}). While Redis cannot be
 * reached, every operation fails with {@link StoreUnavailableError} at once (no queueing: the entries
 * it carried are dropped), and the client reconnects by itself.
 */
export class RedisStore implements SandboxStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #slotLeaseMs: number;
  readonly #logDelayMs: number;
  /** Request-log entries waiting for the next command (4 values each: tenant, time, admitted, entry). */
  #carry: string[] = [];
  #carryTimer: NodeJS.Timeout | undefined;
  #up = false;
  /** Closed by its owner: the connection's end is no outage. */
  #closed = false;
  #reportedDown = false;
  #lastError = 'not connected yet';
  /** Redis refused a write for lack of memory, and no create has succeeded since: reported once. */
  #full = false;
  /** Redis stopped answering (see {@link RedisStoreOptions.commandTimeoutMs}) while its connection stayed open: reported once. */
  #stalled = false;
  /** Commands sent to Redis and not yet answered (nor failed). */
  #inRedis = 0;
  /** Counts every answer and every chunk read from Redis: what the stall watch looks at. */
  #progress = 0;
  /** How to fail each request waiting for Redis, should Redis be judged stalled. */
  readonly #waiting = new Set<(error: Error) => void>();
  #stallWatch: NodeJS.Timeout | undefined;
  /** The concurrency slots of this replica's requests in flight: lease -> tenant, and when last taken or renewed. */
  readonly #leases = new Map<string, { tenant: string; at: number }>();
  #renewTimer: NodeJS.Timeout | undefined;
  readonly #commandTimeoutMs: number;
  readonly #onStatus: NonNullable<RedisStoreOptions['onStatus']>;
  readonly #onFull: NonNullable<RedisStoreOptions['onFull']>;
  /** The identity of the store this replica uses (see `identity.ts`); undefined until it first checked. */
  #identity: string | undefined;
  /** The store was checked since the connection was last made. */
  #verified = false;
  #verifying: Promise<void> | undefined;
  /** Why the store is not the one expected (the message for partners), while it is not. */
  #wrongStore: string | undefined;
  #recheck: NodeJS.Timeout | undefined;

  private constructor(
    url: string,
    readonly timings: SandboxTimings,
    readonly limits: StoreLimits,
    options: RedisStoreOptions,
  ) {
    this.#prefix = options.keyPrefix ?? 'sgi-mock:';
    this.#slotLeaseMs = options.slotLeaseMs ?? DEFAULT_SLOT_LEASE_MS;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 2000;
    this.#logDelayMs = options.requestLogDelayMs ?? 20;
    const onStatus =
      options.onStatus ??
      ((status, detail) => process.stderr.write(`sgi-mock: ${storeStatusMessage(url, status, detail)}\n`));
    this.#redis = new Redis(url, {
      // Fail at once while Redis is away (503, safe to retry) instead of queueing requests in memory.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A command whose answer was lost may or may not have run: never send it again on its own.
      autoResendUnfulfilledCommands: false,
      // No `commandTimeout`: a timer per command fires late and all at once after this process's event
      // loop was busy, before the answers already received are read. The stall watch judges instead.
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    });
    this.#onStatus = onStatus;
    this.#onFull =
      options.onFull ??
      ((full) =>
        process.stderr.write(
          full
            ? `sgi-mock: store ${redactStoreUrl(url)} is full (Redis refuses new data: maxmemory); creates answer 403, reads, stop, start, delete and reset go on\n`
            : `sgi-mock: store ${redactStoreUrl(url)} has room again\n`,
        ));
    this.#redis.on('ready', () => {
      this.#up = true;
      if (this.#reportedDown) onStatus('up', 'ready');
      this.#reportedDown = false;
      // Whoever answers at the address now may not be the store this replica was using.
      this.#verify().catch(() => {});
    });
    this.#redis.on('error', (error: Error) => {
      this.#lastError = (error as NodeJS.ErrnoException).code ?? error.message;
    });
    this.#redis.on('connect', () => {
      // Every chunk of an answer is progress, even before the answer is whole (a long list).
      this.#redis.stream?.on('data', () => {
        this.#progress++;
      });
    });
    this.#redis.on('close', () => {
      this.#verified = false;
      // A stall ends with the connection: what comes next is an outage, or a new connection.
      const wasStalled = this.#stalled;
      this.#stalled = false;
      if (!this.#up || this.#closed) return;
      this.#up = false;
      this.#reportedDown = true;
      // 'close' comes before the 'error' that explains it: report on the next turn.
      if (!wasStalled) setImmediate(() => onStatus('down', this.#lastError));
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
    // ioredis is ready a tick before it says so: not a reason to report it unreachable.
    if (store.#redis.status === 'ready') store.#up = true;
    if (!store.#up) {
      store.#reportedDown = true;
      store.#onStatus('down', store.#lastError);
    }
    if (store.#up) await store.#verify().catch(() => {});
    return store;
  }

  /** Checks once (at a time) that the store is the one this replica uses; see `identity.ts`. */
  #verify(): Promise<void> {
    this.#verifying ??= this.#checkIdentity().finally(() => {
      this.#verifying = undefined;
    });
    return this.#verifying;
  }

  async #checkIdentity(): Promise<void> {
    let answer: unknown;
    try {
      answer = await this.#send(() =>
        this.#redis.eval(IDENTITY_CHECK_SCRIPT, 0, this.#prefix, this.#identity ?? '', randomUUID()),
      );
    } catch (error) {
      throw unavailable(error);
    }
    const verdict = identityVerdict(answer);
    if (verdict.ok) {
      const before = this.#identity;
      const wasWrong = this.#wrongStore !== undefined;
      this.#identity = verdict.id;
      this.#wrongStore = undefined;
      this.#verified = true;
      clearInterval(this.#recheck);
      this.#recheck = undefined;
      if (wasWrong)
        this.#onStatus(
          'store_back',
          before === undefined || before === verdict.id
            ? `store ${verdict.id} is the one expected`
            : `store ${verdict.id} was accepted in place of ${before}`,
        );
      return;
    }
    this.#verified = false;
    const first = this.#wrongStore === undefined;
    this.#wrongStore = identityProblem(verdict);
    if (!first) return;
    this.#onStatus(
      'wrong_store',
      `${verdict.kind === 'wiped' ? 'emptied or replaced by an empty one' : `replaced by store ${verdict.found}`}; expected ${
        this.#identity ?? verdict.expected.join(', ')
      }`,
    );
    this.#recheck = setInterval(() => this.#verify().catch(() => {}), IDENTITY_RECHECK_MS);
    this.#recheck.unref();
  }

  /** Refuses to touch a store that is not the one this replica uses (checked once per connection). */
  async #guard(): Promise<void> {
    if (!this.#verified) await this.#verify();
    if (this.#wrongStore !== undefined) throw new StoreIdentityError(this.#wrongStore);
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

  /**
   * Runs one operation of the store script, carrying the request-log entries that wait (see
   * `redis-script.ts` for the arguments): one command, one round trip.
   */
  async #run(op: string, ...args: Array<string | number>): Promise<unknown> {
    await this.#guard();
    const carried = this.#takeCarried();
    const argv = [op, this.#prefix, this.#ttl, REQUEST_LOG_SIZE, carried.length / 4, ...carried, ...args];
    try {
      let answer: unknown;
      try {
        answer = await this.#send(() => this.#redis.evalsha(SCRIPT_SHA, 0, ...argv));
      } catch (error) {
        // Redis forgets loaded scripts when it restarts: load it again (once, by sending it whole).
        if (!replyOf(error)?.startsWith('NOSCRIPT')) throw error;
        answer = await this.#send(() => this.#redis.eval(STORE_SCRIPT, 0, ...argv));
      }
      return answer;
    } catch (error) {
      const failure = unavailable(error);
      if (failure instanceof StoreFullError) this.#setFull(true);
      throw failure;
    }
  }

  /** Notes (and reports, once per change) whether Redis refuses new data for lack of memory. */
  #setFull(full: boolean): void {
    if (this.#full === full) return;
    this.#full = full;
    this.#onFull(full);
  }

  /**
   * Sends one command to Redis, watched for stalls: it fails (and so does every command waiting with it)
   * once Redis has answered nothing for {@link RedisStoreOptions.commandTimeoutMs}. A command sent while
   * Redis is judged stalled waits too, so that it is answered as soon as Redis answers again.
   */
  #send<T>(command: () => Promise<T>): Promise<T> {
    this.#inRedis++;
    const sent = command();
    let counted = true;
    const settled = (answered: boolean) => {
      if (counted) this.#inRedis--;
      counted = false;
      if (answered) this.#answered();
    };
    return new Promise<T>((resolve, reject) => {
      this.#waiting.add(reject);
      sent.then(
        (value) => {
          settled(true);
          this.#waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          // An error answer of Redis is an answer too; a closed connection is not.
          settled(replyOf(error) !== undefined);
          this.#waiting.delete(reject);
          reject(error);
        },
      );
      this.#watchStalls();
    });
  }

  #stallError(): Error {
    return new Error(`Redis stalled: no answer within ${this.#commandTimeoutMs} ms`);
  }

  /**
   * Watches for stalls while commands wait in Redis: each turn notes whether anything came from Redis
   * since the last; {@link STALL_TURNS} quiet turns spanning at least `commandTimeoutMs` mean a stall.
   * This process reads its sockets between two turns, so a busy event loop delays the verdict rather
   * than provoking it.
   */
  #watchStalls(): void {
    if (this.#stallWatch) return;
    const every = Math.max(10, Math.floor(this.#commandTimeoutMs / STALL_TURNS));
    let seen = this.#progress;
    let quietTurns = 0;
    let quietSince = performance.now();
    const turn = () => {
      this.#stallWatch = undefined;
      if (this.#inRedis === 0 || this.#closed) return;
      const now = performance.now();
      if (this.#progress !== seen) {
        seen = this.#progress;
        quietTurns = 0;
        quietSince = now;
      } else if (++quietTurns >= STALL_TURNS && now - quietSince >= this.#commandTimeoutMs) {
        this.#stall();
        quietTurns = 0;
        quietSince = now;
      }
      this.#stallWatch = setTimeout(turn, every);
      this.#stallWatch.unref();
    };
    this.#stallWatch = setTimeout(turn, every);
    this.#stallWatch.unref();
  }

  /**
   * Redis answers nothing while its connection stays open (paused, swapping, stuck in a slow command),
   * which closes no socket: the requests waiting for it fail (503), and the stall is reported once.
   */
  #stall(): void {
    if (!this.#stalled && this.#up && !this.#closed) {
      this.#stalled = true;
      this.#onStatus('down', `stalled: no answer within ${this.#commandTimeoutMs} ms`);
    }
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const fail of waiting) fail(this.#stallError());
  }

  /** Redis answered: a stall, if one was reported, is over. */
  #answered(): void {
    this.#progress++;
    if (!this.#stalled) return;
    this.#stalled = false;
    this.#onStatus('up', 'answering again');
  }

  /**
   * Renews the slots of this replica's requests in flight that have held theirs for a third of a lease
   * (one command for all), while there are any: a quick request never needs one.
   */
  #scheduleRenewal(): void {
    if (this.#renewTimer || this.#leases.size === 0) return;
    const every = Math.max(100, Math.floor(this.#slotLeaseMs / 3));
    this.#renewTimer = setTimeout(() => {
      this.#renewTimer = undefined;
      if (this.#leases.size === 0 || this.#closed) return;
      const now = performance.now();
      const due = [...this.#leases].filter(([, held]) => now - held.at >= every);
      if (due.length === 0) return this.#scheduleRenewal();
      for (const [, held] of due) held.at = now;
      const pairs = due.flatMap(([lease, held]) => [held.tenant, lease]);
      this.#run('renew', this.#slotLeaseMs, ...pairs).then(
        () => this.#scheduleRenewal(),
        // Not renewed: the slots end by themselves; the store's outage is reported by the store.
        () => this.#scheduleRenewal(),
      );
    }, every);
    this.#renewTimer.unref();
  }

  #takeCarried(): string[] {
    if (this.#carry.length === 0) return this.#carry;
    clearTimeout(this.#carryTimer);
    this.#carryTimer = undefined;
    const carried = this.#carry;
    this.#carry = [];
    return carried;
  }

  /** Sends the waiting request-log entries with no other operation. */
  #flush(): Promise<void> {
    if (this.#carry.length === 0) return Promise.resolve();
    return this.#run('flush').then(
      () => undefined,
      (error: unknown) => {
        // The store's outage is reported once by the store, not once per request.
        if (!(error instanceof StoreUnavailableError))
          process.stderr.write(`sgi-mock: request log failed: ${String(error)}\n`);
      },
    );
  }

  get #ttl(): number {
    return this.limits.tenantTtlMs;
  }

  async create(tenant: string, input: NewDeployment, now: number, epoch?: string): Promise<CreateOutcome> {
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
    const size = storedBytes(input.settings);
    let answer: [string, number?, number?];
    try {
      answer = (await this.#run(
        'create',
        tenant,
        now,
        maxTenants,
        maxDeploymentsPerTenant,
        maxTenantBytes,
        maxDeployments,
        maxTotalBytes,
        input.id,
        size,
        // The script puts `{"seq":N,` in front, and the tenant's sandbox time in place of AT.
        JSON.stringify({ ...record, createdAt: AT, since: AT }).slice(1),
        epoch ?? '',
      )) as [string, number?, number?];
    } catch (error) {
      if (error instanceof StoreFullError) return { ok: false, reason: 'store_full' };
      throw error;
    }
    if (answer[0] === 'ok') {
      this.#setFull(false);
      const at = now + Number(answer[2] ?? 0);
      return { ok: true, record: { ...record, createdAt: at, since: at, seq: Number(answer[1]) } };
    }
    const reason = answer[0] as CreateRefusal;
    return reason === 'tenant_capacity'
      ? { ok: false, reason, retryAfterMs: Number(answer[1]) }
      : { ok: false, reason };
  }

  /** The stored record (null when there is none) and the tenant's sandbox time. */
  async #read(tenant: string, id: string, now: number): Promise<{ raw: string | null; at: number }> {
    const answer = (await this.#run('get', tenant, now, id)) as [number, string | null] | null;
    return answer ? { raw: answer[1] ?? null, at: now + Number(answer[0]) } : { raw: null, at: now };
  }

  #settled(raw: string, at: number): DeploymentRecord | undefined {
    const d = settle(parseRecord(raw), at, this.timings);
    return d && { ...d, clockAt: at };
  }

  async get(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    const { raw, at } = await this.#read(tenant, id, now);
    return raw === null ? undefined : this.#settled(raw, at);
  }

  async list(tenant: string, now: number): Promise<DeploymentRecord[]> {
    const answer = (await this.#run('list', tenant, now)) as [number, string[]] | null;
    if (!answer) return [];
    const at = now + Number(answer[0]);
    return answer[1]
      .map((raw) => this.#settled(raw, at))
      .filter((d): d is DeploymentRecord => d !== undefined)
      .sort((a, b) => b.seq - a.seq);
  }

  async recordCall(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    let { raw, at } = await this.#read(tenant, id, now);
    // Each retry means another replica changed this deployment in between; a handful is plenty.
    for (let attempt = 0; attempt < 10; attempt++) {
      const d = raw === null ? undefined : this.#settled(raw, at);
      if (raw === null || !d || !callWorthRecording(d, at)) return d;
      const called = { ...d, lastCallAt: at };
      const answer = (await this.#run('cas', tenant, now, id, raw, JSON.stringify(stored(called)), '')) as [
        string,
        string?,
      ];
      if (answer[0] === 'ok') return called;
      if (answer[0] === 'not_found') return undefined;
      raw = answer[1] ?? null;
    }
    // Others keep writing it: their calls count as this one's.
    return raw === null ? undefined : this.#settled(raw, at);
  }

  async clockOffset(tenant: string, now: number): Promise<number> {
    return Number(await this.#run('clock', tenant, now));
  }

  async advanceClock(
    tenant: string,
    ms: number,
    now: number,
  ): Promise<
    { ok: true; offsetMs: number } | { ok: false; reason: 'tenant_capacity'; retryAfterMs: number }
  > {
    const [verdict, value] = (await this.#run('advance', tenant, now, ms, this.limits.maxTenants)) as [
      string,
      number,
    ];
    return verdict === 'ok'
      ? { ok: true, offsetMs: Number(value) }
      : { ok: false, reason: 'tenant_capacity', retryAfterMs: Number(value) };
  }

  async transition(
    tenant: string,
    id: string,
    from: readonly Status[],
    to: Status,
    now: number,
  ): Promise<TransitionOutcome> {
    let { raw, at } = await this.#read(tenant, id, now);
    // Each retry means another replica changed this deployment in between; a handful is plenty.
    for (let attempt = 0; attempt < 50; attempt++) {
      const d = raw === null ? undefined : settle(parseRecord(raw), at, this.timings);
      if (raw === null || !d) return { ok: false, reason: 'not_found' };
      if (!from.includes(d.status)) return { ok: false, reason: 'conflict', status: d.status };
      const record = applyTransition(d, to, at);
      const goneAt = to === 'DELETING' ? String(at + this.timings.deleteDelayMs) : '';
      const answer = (await this.#run('cas', tenant, now, id, raw, JSON.stringify(record), goneAt)) as [
        string,
        string?,
      ];
      if (answer[0] === 'ok') return { ok: true, record };
      if (answer[0] === 'not_found') return { ok: false, reason: 'not_found' };
      raw = answer[1] ?? null;
    }
    throw new StoreUnavailableError(new Error(`deployment ${id} kept changing under this transition`));
  }

  async reset(tenant: string, now: number): Promise<number> {
    return Number(await this.#run('reset', tenant, now));
  }

  async createKey(key: SandboxKey): Promise<'created' | 'exists' | 'full'> {
    return (await this.#run('key-create', key.name, key.hash, JSON.stringify(key), this.limits.maxTenants)) as
      | 'created'
      | 'exists'
      | 'full';
  }

  async listKeys(): Promise<SandboxKey[]> {
    await this.#guard();
    const raws = (await this.#send(() => this.#redis.hvals(`${this.#prefix}keys`)).catch((e: unknown) => {
      throw unavailable(e);
    })) as string[];
    return raws
      .map((raw) => JSON.parse(raw) as SandboxKey)
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  async revokeKey(name: string): Promise<boolean> {
    return Number(await this.#run('key-revoke', name)) === 1;
  }

  async admit(caller: Caller, policy: AdmissionPolicy, now: number): Promise<Admission> {
    const window = Math.floor(now / 1000);
    const lease = policy.maxConcurrent > 0 ? randomUUID() : '';
    const [verdict, tenant, used] = (await this.#run(
      'admit',
      'keyHash' in caller ? 'key' : 'tenant',
      'keyHash' in caller ? caller.keyHash : caller.tenant,
      window,
      policy.rateLimit,
      policy.maxConcurrent,
      lease,
      this.#slotLeaseMs,
    )) as [string, string, number];
    if (verdict === 'unknown_key') return { ok: false, reason: 'unknown_key' };
    const rate = policy.rateLimit > 0 ? rateOutcome(Number(used), policy.rateLimit, now) : undefined;
    if (verdict === 'rate_limit' && rate) return { ok: false, reason: 'rate_limit', tenant, rate };
    if (verdict === 'concurrency_limit') {
      return { ok: false, reason: 'concurrency_limit', tenant, ...(rate ? { rate } : {}) };
    }
    if (lease) {
      this.#leases.set(lease, { tenant, at: performance.now() });
      this.#scheduleRenewal();
    }
    return { ok: true, tenant, ...(rate ? { rate } : {}), ...(lease ? { lease } : {}) };
  }

  /**
   * Gives back the request's slot at once, carrying the waiting log entries and its own. An entry of a
   * request without a slot waits for this store's next command (at most `requestLogDelayMs`, or until
   * {@link MAX_CARRIED} wait), so a busy replica spends no round trip of its own on request logs.
   */
  async finishRequest(tenant: string, end: RequestEnd, now: number): Promise<void> {
    // `admitted`: '0', '1', or the sandbox key's hash when there is one (checked where the entry is written).
    const admitted = end.admitted ? (end.epoch ?? '1') : '0';
    if (end.entry) this.#carry.push(tenant, String(now), admitted, JSON.stringify(end.entry));
    if (end.lease) {
      // No longer renewed: should the release be lost, the slot ends within a lease.
      this.#leases.delete(end.lease);
      await this.#run('release', tenant, end.lease);
      return;
    }
    if (this.#carry.length >= MAX_CARRIED * 4) return this.#flush();
    if (this.#carry.length > 0 && !this.#carryTimer) {
      this.#carryTimer = setTimeout(() => void this.#flush(), this.#logDelayMs);
      this.#carryTimer.unref();
    }
  }

  async requestLog(tenant: string, now: number): Promise<RequestLogEntry[]> {
    const raws = (await this.#run('log-read', tenant, now)) as string[];
    return raws.map((raw) => JSON.parse(raw) as RequestLogEntry);
  }

  async stats(now: number): Promise<StoreStats> {
    const [tenants, deployments, bytes, keys] = (await this.#run('stats', now)) as number[];
    return {
      tenants: Number(tenants),
      deployments: Number(deployments),
      bytes: Number(bytes),
      keys: Number(keys),
      full: this.#full,
    };
  }

  /** Whether Redis answers and is the store this replica uses (one round trip: the identity check). */
  async ready(): Promise<boolean> {
    if (this.#redis.status !== 'ready') return false;
    try {
      await this.#verify();
    } catch {
      return false;
    }
    return this.#wrongStore === undefined;
  }

  async claimReporter(replica: string, ttlMs: number): Promise<boolean> {
    await this.#guard();
    try {
      const held = await this.#send(() =>
        this.#redis.eval(REPORTER_SCRIPT, 1, `${this.#prefix}metrics:reporter`, replica, ttlMs),
      );
      return Number(held) === 1;
    } catch (error) {
      throw unavailable(error);
    }
  }

  problem(): string | undefined {
    if (this.#wrongStore !== undefined) return this.#wrongStore;
    return this.#up ? undefined : "Not ready: the server cannot reach the sandbox's state store.";
  }

  async close(): Promise<void> {
    clearInterval(this.#recheck);
    await this.#flush();
    this.#closed = true;
    clearTimeout(this.#renewTimer);
    clearTimeout(this.#stallWatch);
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }
}

/** The line a replica writes for a change of its store's state (the URL without its password). */
export function storeStatusMessage(url: string, status: StoreStatus, detail: string): string {
  const store = `store ${redactStoreUrl(url)}`;
  switch (status) {
    case 'up':
      return `${store} is reachable`;
    case 'down':
      return `${store} is unreachable (${detail}); answering 503 until it is back`;
    case 'wrong_store':
      return `${store} is not the store this replica was using: ${detail}. Answering 503 and not ready until the original store is back, or an operator accepts this one with 'sgi-mock store accept'`;
    case 'store_back':
      return `${store} is the store to use again (${detail}); serving`;
  }
}
