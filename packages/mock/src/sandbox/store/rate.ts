import type { RateOutcome } from './types.js';

/** The outcome of the `used`-th request in the one-second window of `now`, against `limit` a window. */
export function rateOutcome(used: number, limit: number, now: number): RateOutcome {
  const window = Math.floor(now / 1000);
  return {
    allowed: used <= limit,
    limit,
    remaining: Math.max(0, limit - used),
    resetMs: (window + 1) * 1000 - now,
  };
}
