/**
 * Redis full (at its `maxmemory`, `noeviction`): a create is refused with the documented 403, while
 * reads, the request log and reset go on (reset is how a tenant makes room), readiness stays 200, and the
 * state is visible to the operator (a metric and a log line).
 */
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type MockServer, startMockServer } from '../../src/index.js';
import { client } from '../support/http.js';

const ADMIN = 'operator-secret-0123456789';
const body = {
  name: 'full',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

let redis: TestRedis;
let admin: Redis;
let mock: MockServer;
beforeAll(async () => {
  redis = await startRedis({ args: ['--maxmemory-policy', 'noeviction'] });
  admin = new Redis(redis.url);
  mock = await startMockServer({
    mode: 'sandbox',
    port: 0,
    provisionDelayMs: 0,
    storeUrl: redis.url,
    storeKeyPrefix: `full-${randomUUID()}:`,
    auth: 'keys',
    adminToken: ADMIN,
    rateLimit: 50,
    maxConcurrent: 4,
    metricsPort: 0,
  });
});
afterAll(async () => {
  await mock?.close();
  admin?.disconnect();
  await redis?.close();
});

const fullGauge = async () =>
  /^sgi_mock_store_full (\d)$/m.exec(await (await fetch(mock.metricsUrl as string)).text())?.[1];

it('refuses creates with 403 but keeps reads and reset working, ready, and says so', async () => {
  const issued = await client(mock.url, ADMIN)('POST', '/__sandbox/admin/keys', { body: { name: 'acme' } });
  expect(issued.status).toBe(201);
  const call = client(mock.url, issued.body.message.key);
  for (let i = 0; i < 3; i++) expect((await call('POST', '/sg_inf/create', { body })).status).toBe(200);

  const stderr = vi.spyOn(process.stderr, 'write');
  try {
    await admin.config('SET', 'maxmemory', '1');
    const refused = await call('POST', '/sg_inf/create', { body });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/store is full/);
    expect((await call('GET', '/sg_inf/list')).status).toBe(200);
    expect((await call('GET', '/__sandbox/requests')).status).toBe(200);
    const reset = await call('POST', '/__sandbox/reset');
    expect(reset.status).toBe(200);
    expect(reset.body.message).toMatch(/3 deployments/);
    expect((await fetch(`${mock.url}/__sandbox/ready`)).status).toBe(200);
    expect(await fullGauge()).toBe('1');
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/is full/);
  } finally {
    await admin.config('SET', 'maxmemory', '0');
    stderr.mockRestore();
  }
  expect((await call('POST', '/sg_inf/create', { body })).status).toBe(200);
  expect(await fullGauge()).toBe('0');
});
