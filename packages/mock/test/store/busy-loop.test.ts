/**
 * A replica whose own event loop is busy is not a stalled Redis: the answers that arrived meanwhile are
 * read before anything is judged, so the requests waiting for them are served (no 503) and no stall is
 * reported. Redis paused for real is still judged stalled (see `test/replicas/stall.test.ts`).
 */
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { RedisStore } from '../../src/sandbox/store/redis.js';

let redis: TestRedis;
let store: RedisStore | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await store?.close();
  await redis?.close();
});

/** Keeps this process's event loop busy for `ms` (the CPU work of large answers, on a loaded machine). */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spinning
  }
}

it('serves the commands answered while its event loop was busy, and reports no stall', async () => {
  const statuses: string[] = [];
  store = await RedisStore.connect(redis.url, { provisionDelayMs: 0, deleteDelayMs: 0 }, DEFAULT_LIMITS, {
    keyPrefix: `busy-${randomUUID()}:`,
    commandTimeoutMs: 500,
    onStatus: (status, detail) => statuses.push(`${status}: ${detail}`),
  });
  const now = Date.now();
  await store.list('tenant', now);
  for (let round = 0; round < 3; round++) {
    // Commands sent, then the loop busy for longer than the stall bound while Redis answers them.
    const reads = Array.from({ length: 8 }, () => store?.list('tenant', now));
    // Their way to Redis is a few promise steps: taken before the loop turns busy.
    for (let step = 0; step < 50; step++) await Promise.resolve();
    busy(1500);
    const outcomes = await Promise.allSettled(reads);
    expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('fulfilled'));
  }
  expect(statuses).toEqual([]);
});
