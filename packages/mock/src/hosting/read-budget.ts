import { getHeapStatistics } from 'node:v8';

/** A reservation of the budget, or why none was made. */
export type Reservation = { ok: true; release: () => void } | { ok: false; reason: 'busy' | 'gone' };

interface Waiter {
  tenant: string;
  bytes: number;
  grant: (reservation: Reservation) => void;
}

/**
 * The bytes of stored data that this replica's requests may be reading, answering and validating at
 * once: a store read reserves, before it starts, the most its answer can hold (a whole tenant for a list)
 * and gives it back when its answer has gone out or its caller has left. A count of requests bounds
 * nothing when one list can be a tenant's whole quota; a budget in bytes bounds the memory they take.
 *
 * One tenant may hold at most half of the budget (always at least one read), so a tenant at its own
 * limits never takes the budget from the others. A read that does not fit waits its turn, first come
 * first served, for at most `waitMs`; then it is refused (`busy`, answered 503 with `Retry-After`).
 */
export class ReadBudget {
  #inFlight = 0;
  readonly #byTenant = new Map<string, number>();
  readonly #waiting: Waiter[] = [];

  /** `bytes` of reads in flight at most; a read waits `waitMs` at most for room. */
  constructor(
    readonly bytes: number,
    readonly waitMs = 10_000,
  ) {}

  /** Bytes reserved now (reads in flight), for metrics and tests. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Reads waiting for room now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Whether `bytes` more fit in the whole budget (an empty budget always lets one read through). */
  #fitsOverall(bytes: number): boolean {
    return this.#inFlight === 0 || this.#inFlight + bytes <= this.bytes;
  }

  /** Whether `bytes` more fit in the tenant's half (a tenant holding nothing always gets one read). */
  #fitsOwn(tenant: string, bytes: number): boolean {
    const held = this.#byTenant.get(tenant) ?? 0;
    return held === 0 || held + bytes <= this.bytes / 2;
  }

  #take(tenant: string, bytes: number): Reservation {
    this.#inFlight += bytes;
    this.#byTenant.set(tenant, (this.#byTenant.get(tenant) ?? 0) + bytes);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#inFlight -= bytes;
        const left = (this.#byTenant.get(tenant) ?? 0) - bytes;
        if (left > 0) this.#byTenant.set(tenant, left);
        else this.#byTenant.delete(tenant);
        this.#wake();
      },
    };
  }

  /**
   * Grants the waiting reads that fit now, first come first served: a read held back by the whole budget
   * holds back those after it; one held back by its tenant's half lets the others pass.
   */
  #wake(): void {
    for (let i = 0; i < this.#waiting.length; ) {
      const waiter = this.#waiting[i] as Waiter;
      if (!this.#fitsOverall(waiter.bytes)) return;
      if (this.#fitsOwn(waiter.tenant, waiter.bytes)) {
        this.#waiting.splice(i, 1);
        waiter.grant(this.#take(waiter.tenant, waiter.bytes));
      } else i++;
    }
  }

  /**
   * Reserves `bytes` for a read of `tenant`'s data: at once when they fit, else after a wait. The wait ends
   * `gone` when `signal` aborts (the caller left: nothing is read for nobody), `busy` after `waitMs`.
   */
  reserve(tenant: string, bytes: number, signal?: AbortSignal): Promise<Reservation> {
    if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'gone' });
    // At once when it fits and no read waits for the whole budget before it (reads waiting for their
    // tenant's half do not hold it back).
    const queued = this.#waiting.some((w) => !this.#fitsOverall(w.bytes));
    if (!queued && this.#fitsOverall(bytes) && this.#fitsOwn(tenant, bytes))
      return Promise.resolve(this.#take(tenant, bytes));
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const end = (reservation: Reservation) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(reservation);
      };
      const waiter: Waiter = { tenant, bytes, grant: end };
      const leave = (reason: 'busy' | 'gone') => {
        const at = this.#waiting.indexOf(waiter);
        if (at < 0) return;
        this.#waiting.splice(at, 1);
        end({ ok: false, reason });
        // A read that left may have held others back behind it.
        this.#wake();
      };
      const onAbort = () => leave('gone');
      timer = setTimeout(() => leave('busy'), this.waitMs);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }
}

/**
 * The default budget of reads in flight: an eighth of the V8 heap's limit (what `--max-old-space-size`
 * sets), since a stored byte costs several in memory on its way out (read, parsed, answered, validated);
 * never less than two of a tenant's whole lists.
 */
export function defaultReadBudgetBytes(maxTenantBytes: number): number {
  return Math.max(2 * maxTenantBytes, Math.floor(getHeapStatistics().heap_size_limit / 8));
}
