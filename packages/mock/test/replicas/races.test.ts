/**
 * Replicas racing on one Redis: two of them given conflicting calls for one deployment at the same
 * moment see exactly one serial outcome; quotas and rate limits hold across replicas.
 */
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, type MockServerOptions, startMockServer } from '../../src/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { settle, TRANSITION_RULES } from '../../src/rules/lifecycle.js';
import { RedisStore } from '../../src/sandbox/store/redis.js';
import { type Answer, client, expectDocumented } from '../support/http.js';
import { pause } from '../support/replica.js';

const body = {
  name: 'raced',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

let redis: TestRedis;
const servers: MockServer[] = [];

/**
 * Three sandbox servers sharing one Redis under one key prefix, each with a Redis connection of its
 * own: to Redis they are three replicas (the multi-process test covers separate processes).
 */
async function replicas(options: MockServerOptions = {}): Promise<MockServer[]> {
  const prefix = `race-${randomUUID()}:`;
  const started = await Promise.all(
    [0, 1, 2].map(() =>
      startMockServer({
        mode: 'sandbox',
        provisionDelayMs: 0,
        deleteDelayMs: 60_000,
        storeUrl: redis.url,
        storeKeyPrefix: prefix,
        // Replicas sharing a store sit behind one address: an ACTIVE deployment's link is the same on each.
        publicUrl: 'https://sandbox.example.com',
        ...options,
      }),
    ),
  );
  servers.push(...started);
  return started;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await redis?.close();
});

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

describe('races between replicas', () => {
  type Op = 'stop' | 'start' | 'delete';
  const request = (op: Op, id: string): [string, string] =>
    op === 'delete'
      ? ['DELETE', `/sg_inf/${id}`]
      : ['POST', `/sg_inf/${id}/scale/${op === 'start' ? 'up' : 'zero'}`];

  /** What may come of `first` then `second` on an ACTIVE (or, for start, INACTIVE) deployment, in order. */
  const serialOutcomes: Record<string, Array<[number, number]>> = {
    'start,start': [[200, 409]],
    'stop,stop': [[200, 409]],
    'delete,delete': [[200, 409]],
    'stop,delete': [[200, 200]],
    'delete,stop': [[200, 409]],
  };

  it('two conflicting calls on two replicas at once: one serial outcome, 409 for the loser, never a corrupt deployment', async () => {
    const group = await replicas();
    const token = `racer-${randomUUID()}`;
    const calls = group.map((s) => client(s.url, token));
    const pairs: Array<[Op, Op]> = [
      ['start', 'start'],
      ['stop', 'stop'],
      ['delete', 'delete'],
      ['stop', 'delete'],
    ];
    for (let round = 0; round < 40; round++) {
      const [x, y] = pairs[round % pairs.length] as [Op, Op];
      const created = await pick(calls)('POST', '/sg_inf/create', { body });
      const id = created.body.message.inf_id as string;
      if (x === 'start') expect((await pick(calls)('POST', `/sg_inf/${id}/scale/zero`)).status).toBe(200);
      const before = (await pick(calls)('GET', `/sg_inf/${id}`)).body.message.status;

      // Two different replicas, each after a random pause of 0 to 3 ms: a random interleaving.
      const [i, j] = [0, 1, 2].sort(() => Math.random() - 0.5) as [number, number];
      const [answerX, answerY] = (await Promise.all([
        pause(Math.random() * 3).then(() => (calls[i] as ReturnType<typeof client>)(...request(x, id))),
        pause(Math.random() * 3).then(() => (calls[j] as ReturnType<typeof client>)(...request(y, id))),
      ])) as [Answer, Answer];
      for (const [op, answer] of [
        [x, answerX],
        [y, answerY],
      ] as const)
        expectDocumented(...(request(op, id) as [string, string]), answer);

      const got: [number, number] = [answerX.status, answerY.status];
      const orders = [
        ...(serialOutcomes[`${x},${y}`] ?? []),
        ...(serialOutcomes[`${y},${x}`] ?? []).map(([a, b]) => [b, a] as [number, number]),
      ];
      expect(orders, `${x} + ${y} from ${before}`).toContainEqual(got);
      const loser = [answerX, answerY].find((a) => a.status === 409);
      if (loser) expect(loser.body.message).toMatch(/^Deployment \S+ is [A-Z]+; /);

      // Every replica reads the same, valid deployment afterwards.
      const after = await Promise.all(calls.map((call) => call('GET', `/sg_inf/${id}`)));
      // (While ACTIVE, cost and last_cost_updated_time move with the clock of each read.)
      const stable = ({ cost: _c, last_cost_updated_time: _t, ...rest }: Record<string, unknown>) => rest;
      for (const a of after) {
        expect(a.status).toBe(200);
        expectDocumented('GET', `/sg_inf/${id}`, a);
        expect(stable(a.body.message)).toEqual(stable(after[0]?.body.message));
      }
      const status = after[0]?.body.message.status;
      const expected: Record<string, string[]> = {
        'start,start': ['ACTIVE'],
        'stop,stop': ['INACTIVE'],
        'delete,delete': ['DELETING'],
        'stop,delete': ['DELETING'],
      };
      expect(expected[`${x},${y}`]).toContain(status);
    }
  });
});

describe('races between the stores of three replicas', () => {
  it('the same transition sent through three stores at once: exactly one wins, every time', async () => {
    const prefix = `cas-${randomUUID()}:`;
    const timings = { provisionDelayMs: 0, deleteDelayMs: 60_000 };
    const stores = await Promise.all(
      [0, 1, 2].map(() => RedisStore.connect(redis.url, timings, DEFAULT_LIMITS, { keyPrefix: prefix })),
    );
    try {
      const { start, stop, delete: del } = TRANSITION_RULES;
      for (let round = 0; round < 30; round++) {
        const now = Date.now();
        const created = await (stores[0] as RedisStore).create(
          't',
          { id: randomUUID(), settings: '{"name":"x"}', fails: false, pricePerHour: 1.5 },
          now,
        );
        if (!created.ok) throw new Error(created.reason);
        const id = created.record.id;
        const rule = [start, stop, del][
          round % 3
        ] as (typeof TRANSITION_RULES)[keyof typeof TRANSITION_RULES];
        if (rule === start) await (stores[1] as RedisStore).transition('t', id, stop.from, stop.to, now);
        const outcomes = await Promise.all(
          stores.map((s) => s.transition('t', id, rule.from, rule.to, now + 1)),
        );
        expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
        expect(outcomes.filter((o) => !o.ok && o.reason === 'conflict')).toHaveLength(2);
        const winner = outcomes.find((o) => o.ok);
        if (!winner?.ok) throw new Error('no winner');
        // A read carries the time it was settled at (the tenant's sandbox time).
        expect(await (stores[2] as RedisStore).get('t', id, now + 1)).toEqual({
          ...settle(winner.record, now + 1, timings),
          clockAt: now + 1,
        });
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('limits hold across replicas', () => {
  it('a tenant may hold maxDeploymentsPerTenant in all, whichever replicas it creates through', async () => {
    const group = await replicas({ maxDeploymentsPerTenant: 5 });
    const token = `quota-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, n) =>
        client((group[n % 3] as MockServer).url, token)('POST', '/sg_inf/create', { body }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(10);
    for (const a of answers) expectDocumented('POST', '/sg_inf/create', a);
    for (const s of group)
      expect((await client(s.url, token)('GET', '/sg_inf/list')).body.message).toHaveLength(5);
  });

  it('the per-tenant rate limit counts the requests of every replica', async () => {
    const limit = 5;
    const group = await replicas({ rateLimit: limit });
    // Bursts of 30 calls spread over the three replicas. A counter per replica would let up to
    // 3 x limit through in one second; one shared counter lets `limit` through per second the burst spans.
    let meaningful = 0;
    for (let burst = 0; burst < 5 && meaningful < 2; burst++) {
      const token = `rate-${randomUUID()}`;
      const first = Math.floor(Date.now() / 1000);
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          client((group[n % 3] as MockServer).url, token)('GET', '/sg_inf/list'),
        ),
      );
      const windows = Math.floor(Date.now() / 1000) - first + 1;
      const allowed = answers.filter((a) => a.status === 200).length;
      const refused = answers.filter((a) => a.status === 429);
      expect(allowed + refused.length).toBe(30);
      expect(allowed).toBeGreaterThanOrEqual(limit);
      expect(allowed).toBeLessThanOrEqual(limit * windows);
      for (const r of refused) {
        expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(r.headers.get('ratelimit-limit')).toBe(String(limit));
      }
      if (windows < 3) meaningful++;
    }
    // A burst that spans fewer than 3 seconds tells a shared counter from three separate ones.
    expect(meaningful).toBeGreaterThan(0);
  });

  it('three stores on one Redis share one rate counter and one set of concurrency slots', async () => {
    const prefix = `shared-${randomUUID()}:`;
    const limits = { ...DEFAULT_LIMITS };
    const timings = { provisionDelayMs: 0, deleteDelayMs: 0 };
    const stores = await Promise.all(
      [0, 1, 2].map(() => RedisStore.connect(redis.url, timings, limits, { keyPrefix: prefix })),
    );
    try {
      const now = Date.now();
      const at = (n: number) => stores[n % 3] as RedisStore;
      const rated = { rateLimit: 5, maxConcurrent: 0 };
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, n) => at(n).admit({ tenant: 't' }, rated, now)),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
      const limited = { rateLimit: 0, maxConcurrent: 2 };
      const slots = await Promise.all(
        Array.from({ length: 9 }, (_, n) => at(n).admit({ tenant: 't' }, limited, now)),
      );
      expect(slots.filter((o) => o.ok)).toHaveLength(2);
      const held = slots.findIndex((o) => o.ok);
      const admitted = slots[held];
      if (!admitted?.ok || !admitted.lease) throw new Error('no slot taken');
      // The slot is given back through another replica than the one that took it.
      await at(held + 1).finishRequest('t', { lease: admitted.lease, admitted: false }, now);
      expect((await at(2).admit({ tenant: 't' }, limited, now)).ok).toBe(true);
      expect((await at(0).admit({ tenant: 't' }, limited, now)).ok).toBe(false);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
