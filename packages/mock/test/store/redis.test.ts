import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll } from 'vitest';
import { RedisStore } from '../../src/sandbox/store/redis.js';
import { storeContract } from './contract.js';

let redis: TestRedis;
const stores: RedisStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.close();
});

// Each store gets a prefix of its own: the stores of one run share a Redis and nothing else.
storeContract('redis store', async (timings, limits) => {
  const store = await RedisStore.connect(redis.url, timings, limits, { keyPrefix: `t-${randomUUID()}:` });
  stores.push(store);
  return store;
});
