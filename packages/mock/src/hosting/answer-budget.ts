/**
 * What a tenant's answers cost this replica, bounded: each tenant may be served `bytesPerSecond` bytes of
 * answers a second (a token bucket that holds one second's worth). Counting requests alone bounds nothing
 * when one request can cost 2 MiB of answer to build and to validate against the spec; counting their
 * bytes bounds the CPU one tenant can take from the others. Kept per replica, since it is the replica's
 * CPU that it protects.
 */
export class AnswerBudget {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #charges = 0;

  /** `bytesPerSecond` above 0; `clock` in ms. */
  constructor(
    readonly bytesPerSecond: number,
    readonly clock: () => number = () => performance.now(),
  ) {}

  /** The tenant's bucket, refilled to now. */
  #bucket(tenant: string): { tokens: number; at: number } {
    const now = this.clock();
    const bucket = this.#buckets.get(tenant) ?? { tokens: this.bytesPerSecond, at: now };
    bucket.tokens = Math.min(
      this.bytesPerSecond,
      bucket.tokens + ((now - bucket.at) / 1000) * this.bytesPerSecond,
    );
    bucket.at = now;
    return bucket;
  }

  /**
   * Whether the tenant may be served now: undefined when it may, else the seconds until it may (its
   * answers so far have spent more than its budget).
   */
  retryAfter(tenant: string): number | undefined {
    const bucket = this.#bucket(tenant);
    if (bucket.tokens > 0) return undefined;
    return Math.max(1, Math.ceil(-bucket.tokens / this.bytesPerSecond));
  }

  /** Counts an answer of `bytes` against the tenant's budget (it may go below zero: the next wait longer). */
  charge(tenant: string, bytes: number): void {
    if (!(bytes > 0)) return;
    const bucket = this.#bucket(tenant);
    bucket.tokens -= bytes;
    this.#buckets.set(tenant, bucket);
    // Now and then, forget the tenants whose budget is whole again: memory follows the busy tenants only.
    if (++this.#charges % 1024 === 0) {
      for (const [key] of this.#buckets)
        if (this.#bucket(key).tokens >= this.bytesPerSecond) this.#buckets.delete(key);
    }
  }
}

/** A budget of answers per tenant and second that suits a hosted sandbox: two full lists of a tenant at the default 2 MiB. */
export const HOSTED_ANSWER_BYTES_PER_SECOND = 4 * 1024 * 1024;
