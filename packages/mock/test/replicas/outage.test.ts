/**
 * Redis itself going away and coming back (its append-only file on): nothing acknowledged is lost; while
 * it is away the sandbox answers 503 with Retry-After and is not ready; it recovers by itself. And idle
 * tenants go away through Redis key expiry, with no sweeper.
 */
import { createHash, randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../../src/index.js';
import { client, expectDocumented } from '../support/http.js';
import { eventually, type Replica, startReplica } from '../support/replica.js';

const body = {
  name: 'durable',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe('Redis restarts under a running sandbox', () => {
  let replicas: Replica[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
  });

  it('loses nothing acknowledged, answers 503 + Retry-After and is not ready while Redis is down, and recovers by itself', async () => {
    replicas = await Promise.all(
      [0, 1].map(() => startReplica(['--store', redis.url, '--provision-delay-ms', '0'])),
    );
    const [a, b] = replicas.map((r) => client(r.url, `durable-${randomUUID()}`)) as [
      ReturnType<typeof client>,
      ReturnType<typeof client>,
    ];
    // Same token on both replicas.
    const token = `durable-${randomUUID()}`;
    const onA = client((replicas[0] as Replica).url, token);
    const onB = client((replicas[1] as Replica).url, token);
    const ids: string[] = [];
    for (let n = 0; n < 20; n++) {
      const created = await (n % 2 ? onA : onB)('POST', '/sg_inf/create', {
        body: { ...body, name: `d-${n}` },
      });
      expect(created.status).toBe(200); // acknowledged
      ids.push(created.body.message.inf_id);
    }
    expect((await onA('POST', `/sg_inf/${ids[0]}/scale/zero`)).status).toBe(200);

    // A crash: SIGKILL, no chance to write anything more. appendfsync always: every write acknowledged is on disk.
    await redis.stop('SIGKILL');
    for (const call of [onA, onB, a, b]) {
      for (const [method, path] of [
        ['GET', '/sg_inf/list'],
        ['POST', '/sg_inf/create'],
        ['GET', `/sg_inf/${ids[1]}`],
      ] as const) {
        const answer = await call(method, path, method === 'POST' ? { body } : {});
        expect(answer.status, `${method} ${path} while Redis is down`).toBe(503);
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
        expectDocumented(method, path, answer);
      }
    }
    for (const r of replicas) {
      const ready = await fetch(`${r.url}/__sandbox/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await fetch(`${r.url}/__sandbox/health`)).status).toBe(200); // alive, just not ready
    }

    await redis.start();
    for (const r of replicas) {
      await eventually(`${r.url} ready again`, async () =>
        (await fetch(`${r.url}/__sandbox/ready`)).status === 200 ? true : undefined,
      );
    }
    for (const call of [onA, onB]) {
      const list = (await call('GET', '/sg_inf/list')).body.message as Array<{ id: string; status: string }>;
      expect(list.map((d) => d.id).sort()).toEqual([...ids].sort());
      expect(list.find((d) => d.id === ids[0])?.status).toBe('INACTIVE');
    }
    expect((await onB('POST', '/sg_inf/create', { body })).status).toBe(200);
    // The replicas said so once each, not once per request.
    for (const r of replicas) {
      expect(r.output().match(/is unreachable/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
      expect(r.output().match(/is unreachable/g)?.length ?? 0).toBeLessThanOrEqual(3);
      expect(r.output()).toMatch(/is reachable/);
    }
  });
});

describe('a full Redis (maxmemory with noeviction)', () => {
  let mock: MockServer;
  afterAll(async () => {
    await mock?.close();
  });

  it('refuses creates with 403 (the store is full) and keeps what it holds; nothing is evicted', async () => {
    const prefix = `full-${randomUUID()}:`;
    mock = await startMockServer({
      mode: 'sandbox',
      provisionDelayMs: 0,
      storeUrl: redis.url,
      storeKeyPrefix: prefix,
    });
    const call = client(mock.url, `full-${randomUUID()}`);
    const first = await call('POST', '/sg_inf/create', { body });
    expect(first.status).toBe(200);
    const admin = new Redis(redis.url);
    try {
      const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', String(used + 64 * 1024));
      let refused: Awaited<ReturnType<typeof call>> | undefined;
      const big = { ...body, name: 'x'.repeat(60) };
      for (let n = 0; n < 2000 && !refused; n++) {
        const answer = await call('POST', '/sg_inf/create', { body: big });
        if (answer.status === 403) refused = answer;
        else expect(answer.status).toBe(200);
      }
      expect(refused, 'a create was refused once Redis was full').toBeDefined();
      expect(refused?.body.message).toMatch(/store is full/);
      expectDocumented('POST', '/sg_inf/create', refused as Awaited<ReturnType<typeof call>>);
      // What it held is still there and readable.
      const kept = await call('GET', `/sg_inf/${first.body.message.inf_id}`);
      expect(kept.status).toBe(200);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }
  });
});

describe('tenant expiry through Redis key expiry', () => {
  let mock: MockServer;
  afterAll(async () => {
    await mock?.close();
  });

  it("an idle tenant's data goes away on its own, with no request and no sweeper", async () => {
    const prefix = `expiry-${randomUUID()}:`;
    mock = await startMockServer({
      mode: 'sandbox',
      provisionDelayMs: 0,
      storeUrl: redis.url,
      storeKeyPrefix: prefix,
      tenantTtlMs: 1500,
    });
    const token = `idle-${randomUUID()}`;
    const call = client(mock.url, token);
    expect((await call('POST', '/sg_inf/create', { body })).status).toBe(200);
    const tenant = createHash('sha256').update(token).digest('hex');
    const inspect = new Redis(redis.url);
    try {
      const keys = await inspect.keys(`${prefix}t:${tenant}:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        // The time to live, and the slack of a refresh (1% of it, at most 1 s).
        const ttl = await inspect.pttl(key);
        expect(ttl, key).toBeGreaterThan(0);
        expect(ttl, key).toBeLessThanOrEqual(1500 + 15);
      }
      // Nobody calls the sandbox now: Redis alone removes the data.
      await eventually('the tenant keys expired', async () =>
        (await inspect.keys(`${prefix}t:${tenant}:*`)).length === 0 ? true : undefined,
      );
      expect(await inspect.exists(`${prefix}t:${tenant}:d`)).toBe(0);
    } finally {
      inspect.disconnect();
    }
    // The next request finds no tenant, and a create starts a new one.
    expect((await call('GET', '/sg_inf/list')).body.message).toEqual([]);
    expect((await call('POST', '/sg_inf/create', { body })).status).toBe(200);
    expect((await call('GET', '/sg_inf/list')).body.message).toHaveLength(1);
  });
});
