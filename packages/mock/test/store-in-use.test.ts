/**
 * Proves which store the sandbox suites run on: in the `redis` project every sandbox a suite starts
 * keeps its deployments in the run's Redis; in the `memory` project no Redis is involved.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { client } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startSandbox();
});
afterAll(async () => {
  await mock?.close();
});

it('the sandbox keeps its state in the store of this test project', async () => {
  const token = `store-${randomUUID()}`;
  const created = await client(mock.url, token)('POST', '/sg_inf/create', {
    body: {
      name: 'where',
      model: 'BAAI/bge-large-en-v1.5',
      inf_type: 'embedding',
      controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
    },
  });
  expect(created.status).toBe(200);
  const redisUrl = inject('redisUrl');
  if (redisUrl === undefined) {
    expect(inject('fuzzRuns')).toBeUndefined();
    return;
  }
  const redis = new Redis(redisUrl);
  try {
    const tenant = createHash('sha256').update(token).digest('hex');
    const [key] = await redis.keys(`test-*:t:${tenant}:d`);
    expect(key).toBeDefined();
    expect(await redis.hexists(key as string, created.body.message.inf_id)).toBe(1);
  } finally {
    redis.disconnect();
  }
});
