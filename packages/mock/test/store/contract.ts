import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyTransition, TRANSITION_RULES } from '../../src/rules/lifecycle.js';
import {
  type NewDeployment,
  REQUEST_LOG_BYTES,
  REQUEST_LOG_SIZE,
  type RequestLogEntry,
  type SandboxStore,
  type SandboxTimings,
  type StoreLimits,
} from '../../src/sandbox/store/types.js';

/** Makes a fresh, empty store of the kind under test. */
export type StoreFactory = (timings: SandboxTimings, limits: StoreLimits) => Promise<SandboxStore>;

const T0 = Date.UTC(2026, 10, 25, 14, 0, 0);
const timings = { provisionDelayMs: 2000, deleteDelayMs: 1000 };
const limits: StoreLimits = {
  maxTenants: 3,
  maxDeploymentsPerTenant: 2,
  maxTenantBytes: 1000,
  maxDeployments: 5,
  maxTotalBytes: 100_000,
  tenantTtlMs: 60_000,
};
const settings = JSON.stringify({ name: 'd', model: 'm' });
const deployment = (text = settings): NewDeployment => ({
  id: randomUUID(),
  settings: text,
  fails: false,
  pricePerHour: 6,
});

async function created(store: SandboxStore, tenant: string, now = T0, input = deployment()) {
  const outcome = await store.create(tenant, input, now);
  if (!outcome.ok) throw new Error(`create refused: ${outcome.reason}`);
  return outcome.record.id;
}

const NO_LIMITS = { rateLimit: 0, maxConcurrent: 0 };

const entry = (n: number): RequestLogEntry => ({
  time: new Date(T0 + n).toISOString(),
  method: 'GET',
  path: '/sg_inf/list',
  status: 200,
  request_id: `req_${n}`,
  duration_ms: 1,
});

/**
 * What every sandbox store must do, whatever keeps its state: run it against each implementation with
 * the same expectations.
 */
export function storeContract(name: string, make: StoreFactory, overrides: Partial<StoreLimits> = {}): void {
  const fresh = () => make(timings, { ...limits, ...overrides });

  describe(`${name}: lifecycle from stored timestamps`, () => {
    it('PROVISIONING settles to ACTIVE (or FAILED) after the provision delay; DELETING to gone', async () => {
      const store = await fresh();
      const id = await created(store, 't');
      const failing = await created(store, 't', T0, { ...deployment(), fails: true });
      expect((await store.get('t', id, T0 + 1999))?.status).toBe('PROVISIONING');
      expect((await store.get('t', id, T0 + 2000))?.status).toBe('ACTIVE');
      expect(await store.get('t', failing, T0 + 2000)).toMatchObject({
        status: 'FAILED',
        endTime: T0 + 2000,
      });
      const del = TRANSITION_RULES.delete;
      expect((await store.transition('t', id, del.from, del.to, T0 + 3000)).ok).toBe(true);
      expect((await store.get('t', id, T0 + 3999))?.status).toBe('DELETING');
      expect(await store.get('t', id, T0 + 4000)).toBeUndefined();
      expect((await store.list('t', T0 + 4000)).map((d) => d.id)).toEqual([failing]);
    });

    it('a transition checks the settled status and answers the conflict with the current status', async () => {
      const store = await make(timings, { ...limits, tenantTtlMs: 10 * 3_600_000 });
      const id = await created(store, 't');
      const { start, stop } = TRANSITION_RULES;
      expect(await store.transition('t', id, start.from, start.to, T0 + 1)).toEqual({
        ok: false,
        reason: 'conflict',
        status: 'PROVISIONING',
      });
      expect(await store.transition('t', id, start.from, start.to, T0 + 2500)).toMatchObject({
        reason: 'conflict',
        status: 'ACTIVE',
      });
      const stopped = await store.transition('t', id, stop.from, stop.to, T0 + 2000 + 3_600_000);
      expect(stopped).toMatchObject({ ok: true, record: { status: 'INACTIVE', cost: 6 } });
      expect(await store.transition('t', 'nope', stop.from, stop.to, T0)).toEqual({
        ok: false,
        reason: 'not_found',
      });
    });

    it('applies exactly the effects of applyTransition', async () => {
      const store = await fresh();
      const id = await created(store, 't');
      const before = (await store.get('t', id, T0 + 2000)) as NonNullable<
        Awaited<ReturnType<SandboxStore['get']>>
      >;
      const { stop } = TRANSITION_RULES;
      // `clockAt` is the time a record was settled at, not a part of it.
      const { clockAt, ...settled } = before;
      expect(clockAt).toBe(T0 + 2000);
      const after = await store.transition('t', id, stop.from, stop.to, T0 + 5000);
      expect(after).toEqual({ ok: true, record: applyTransition(settled, 'INACTIVE', T0 + 5000) });
      expect(await store.get('t', id, T0 + 5000)).toEqual({
        ...applyTransition(settled, 'INACTIVE', T0 + 5000),
        clockAt: T0 + 5000,
      });
    });
  });

  describe(`${name}: the sandbox clock`, () => {
    it("moves one tenant's lifecycle forward, never another's, and never the tenants' own expiry", async () => {
      const store = await fresh();
      const mine = await created(store, 't');
      const theirs = await created(store, 'u');
      expect(await store.clockOffset('t', T0)).toBe(0);
      expect(await store.advanceClock('t', 1500, T0)).toEqual({ ok: true, offsetMs: 1500 });
      expect(await store.advanceClock('t', 500, T0)).toEqual({ ok: true, offsetMs: 2000 });
      expect(await store.clockOffset('t', T0)).toBe(2000);
      expect(await store.clockOffset('u', T0)).toBe(0);
      expect((await store.get('t', mine, T0))?.status).toBe('ACTIVE');
      expect((await store.get('t', mine, T0))?.clockAt).toBe(T0 + 2000);
      expect((await store.get('u', theirs, T0))?.status).toBe('PROVISIONING');
      // A deployment created later starts at the tenant's sandbox time.
      const later = await store.create('t', deployment(), T0 + 10);
      expect(later.ok && later.record.createdAt).toBe(T0 + 2010);
      // Tenants expire by real time: a clock far ahead does not forget the others.
      await store.advanceClock('t', 10 * limits.tenantTtlMs, T0 + 20);
      expect((await store.get('u', theirs, T0 + 30))?.id).toBe(theirs);
      // Deleting follows the clock too.
      await store.transition('t', mine, TRANSITION_RULES.delete.from, 'DELETING', T0 + 40);
      expect((await store.get('t', mine, T0 + 40))?.status).toBe('DELETING');
      await store.advanceClock('t', timings.deleteDelayMs, T0 + 50);
      expect(await store.get('t', mine, T0 + 50)).toBeUndefined();
    });

    it('a deployment that scales to zero goes INACTIVE after its idle time; a recorded call resets it', async () => {
      const store = await fresh();
      const outcome = await store.create('t', { ...deployment(), idleTimeoutMs: 10_000 }, T0);
      const id = outcome.ok ? outcome.record.id : '';
      // ACTIVE at T0 + 2000, idle until T0 + 12000.
      expect((await store.recordCall('t', id, T0 + 8000))?.lastCallAt).toBe(T0 + 8000);
      expect((await store.get('t', id, T0 + 17_000))?.status).toBe('ACTIVE');
      // A call closer than a second to the last one keeps the one before.
      expect((await store.recordCall('t', id, T0 + 8500))?.lastCallAt).toBe(T0 + 8000);
      const idle = await store.get('t', id, T0 + 18_000);
      expect(idle?.status).toBe('INACTIVE');
      expect(idle?.since).toBe(T0 + 18_000);
      expect(idle?.cost).toBeCloseTo((6 * 16_000) / 3_600_000, 6);
      expect(await store.recordCall('t', 'nope', T0)).toBeUndefined();
      expect(await store.recordCall('other', id, T0)).toBeUndefined();
    });

    it('lists newest first', async () => {
      const store = await fresh();
      const first = await created(store, 't');
      const second = await created(store, 't', T0 + 1);
      expect((await store.list('t', T0 + 2)).map((d) => d.id)).toEqual([second, first]);
    });
  });

  describe(`${name}: tenants`, () => {
    it('keeps each tenant to its own deployments', async () => {
      const store = await fresh();
      const id = await created(store, 'alice');
      await created(store, 'bob');
      expect(await store.get('bob', id, T0)).toBeUndefined();
      expect((await store.list('bob', T0)).map((d) => d.id)).not.toContain(id);
      const { stop } = TRANSITION_RULES;
      expect(await store.transition('bob', id, stop.from, stop.to, T0)).toEqual({
        ok: false,
        reason: 'not_found',
      });
      expect(await store.reset('bob', T0)).toBe(1);
      expect(await store.get('alice', id, T0)).toBeDefined();
    });

    it('a read never creates a tenant', async () => {
      const store = await fresh();
      for (let i = 0; i < 10; i++) {
        expect(await store.list(`reader-${i}`, T0)).toEqual([]);
        expect(await store.get(`reader-${i}`, 'x', T0)).toBeUndefined();
        expect(await store.reset(`reader-${i}`, T0)).toBe(0);
        await store.finishRequest(`reader-${i}`, { entry: entry(i), admitted: false }, T0);
      }
      expect((await store.stats(T0)).tenants).toBe(0);
    });

    it('refuses a new tenant at capacity and never evicts another', async () => {
      const store = await fresh();
      const kept = await created(store, 'a');
      await created(store, 'b', T0 + 10);
      await created(store, 'c', T0 + 20);
      const refused = await store.create('d', deployment(), T0 + 30);
      // The least recently used tenant ('a', last seen at T0) expires 60 s after T0.
      expect(refused).toEqual({ ok: false, reason: 'tenant_capacity', retryAfterMs: 60_000 - 30 });
      expect(await store.get('a', kept, T0 + 30)).toBeDefined();
      expect(await store.stats(T0 + 30)).toMatchObject({ tenants: 3, deployments: 3 });
      // An existing tenant still creates.
      expect((await store.create('a', deployment(), T0 + 40)).ok).toBe(true);
    });

    it('forgets a tenant after the time to live without requests, and any request keeps it alive', async () => {
      const store = await fresh();
      const idle = await created(store, 'idle');
      const busy = await created(store, 'busy');
      await store.list('busy', T0 + 59_000); // a read counts as activity
      expect(await store.get('idle', idle, T0 + 60_000)).toBeUndefined();
      expect(await store.get('busy', busy, T0 + 60_000)).toBeDefined();
      expect(await store.stats(T0 + 60_000)).toMatchObject({ tenants: 1, deployments: 1 });
      // Its place is free again.
      expect((await store.create('new', deployment(), T0 + 60_000)).ok).toBe(true);
    });
  });

  describe(`${name}: bounds`, () => {
    it('refuses a create beyond the deployments of a tenant', async () => {
      const store = await fresh();
      await created(store, 't');
      await created(store, 't');
      expect(await store.create('t', deployment(), T0)).toEqual({ ok: false, reason: 'tenant_deployments' });
    });

    it('refuses a create beyond the bytes of a tenant, and counts them back on delete', async () => {
      const store = await fresh();
      const big = JSON.stringify({ name: 'x'.repeat(600) });
      const id = await created(store, 't', T0, deployment(big));
      expect(await store.create('t', deployment(big), T0)).toEqual({ ok: false, reason: 'tenant_bytes' });
      const del = TRANSITION_RULES.delete;
      await store.transition('t', id, del.from, del.to, T0);
      expect((await store.create('t', deployment(big), T0 + 1000)).ok).toBe(true);
    });

    it('refuses a create beyond the deployments held in all', async () => {
      const store = await make(timings, { ...limits, maxDeploymentsPerTenant: 5, maxDeployments: 4 });
      for (const t of ['a', 'a', 'b', 'b']) await created(store, t);
      expect(await store.create('c', deployment(), T0)).toEqual({ ok: false, reason: 'total_deployments' });
      expect(await store.stats(T0)).toMatchObject({ deployments: 4 });
    });

    it('refuses a create beyond the bytes held in all', async () => {
      const store = await make(timings, { ...limits, maxTotalBytes: 1500 });
      const big = JSON.stringify({ name: 'x'.repeat(600) });
      await created(store, 'a', T0, deployment(big));
      await created(store, 'b', T0, deployment(big));
      expect(await store.create('c', deployment(big), T0)).toEqual({ ok: false, reason: 'total_bytes' });
      expect((await store.stats(T0)).bytes).toBe(2 * big.length);
    });

    it('counts bytes as stored, in UTF-8, not in characters', async () => {
      const store = await fresh();
      // 200 CJK characters: 600 bytes in UTF-8.
      const cjk = JSON.stringify({ name: '漢'.repeat(200) });
      await created(store, 't', T0, deployment(cjk));
      expect((await store.stats(T0)).bytes).toBe(Buffer.byteLength(cjk));
      expect(await store.create('t', deployment(cjk), T0)).toEqual({ ok: false, reason: 'tenant_bytes' });
    });

    it('keeps a request log within its bytes, and counts them in the bytes held', async () => {
      const store = await fresh();
      await created(store, 't');
      const settingsBytes = (await store.stats(T0)).bytes;
      const big = (n: number): RequestLogEntry => ({
        ...entry(n),
        errors: Array.from({ length: 5 }, (_, i) => ({ field: `f${i}`, message: '錯'.repeat(200) })),
      });
      for (let n = 0; n < REQUEST_LOG_SIZE; n++) {
        await store.finishRequest('t', { entry: big(n), admitted: false }, T0);
      }
      const log = await store.requestLog('t', T0);
      const logBytes = log.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
      expect(log.length).toBeGreaterThan(0);
      expect(log.length).toBeLessThan(REQUEST_LOG_SIZE);
      expect(log[0]?.request_id).toBe(`req_${REQUEST_LOG_SIZE - 1}`);
      expect(logBytes).toBeLessThanOrEqual(REQUEST_LOG_BYTES);
      expect((await store.stats(T0)).bytes).toBe(settingsBytes + logBytes);
      await store.reset('t', T0);
      expect((await store.stats(T0)).bytes).toBe(logBytes);
    });

    it('reset gives back what the tenant held', async () => {
      const store = await fresh();
      await created(store, 'a');
      await created(store, 'a');
      expect(await store.reset('a', T0)).toBe(2);
      expect(await store.stats(T0)).toMatchObject({ deployments: 0, bytes: 0 });
      expect(await store.list('a', T0)).toEqual([]);
    });
  });

  describe(`${name}: sandbox keys`, () => {
    const key = (n: string) => ({ name: n, hash: `hash-${n}`, prefix: 'sgi_sbx_abcd', createdAt: T0 });

    it('creates, admits by hash, lists and revokes keys', async () => {
      const store = await fresh();
      const byKey = (hash: string) => store.admit({ keyHash: hash }, NO_LIMITS, T0);
      expect(await store.createKey(key('acme'))).toBe('created');
      expect(await store.createKey(key('acme'))).toBe('exists');
      expect(await byKey('hash-acme')).toEqual({ ok: true, tenant: 'acme' });
      expect(await byKey('hash-other')).toEqual({ ok: false, reason: 'unknown_key' });
      expect(await store.listKeys()).toEqual([key('acme')]);
      expect(await store.revokeKey('acme')).toBe(true);
      expect(await byKey('hash-acme')).toEqual({ ok: false, reason: 'unknown_key' });
      expect(await store.revokeKey('acme')).toBe(false);
    });

    it('holds at most maxTenants keys', async () => {
      const store = await fresh();
      for (const n of ['a', 'b', 'c']) expect(await store.createKey(key(n))).toBe('created');
      expect(await store.createKey(key('d'))).toBe('full');
    });

    it("revoking a key forgets its tenant's data", async () => {
      const store = await fresh();
      await store.createKey(key('acme'));
      const id = await created(store, 'acme');
      await store.revokeKey('acme');
      expect(await store.get('acme', id, T0)).toBeUndefined();
      expect((await store.stats(T0)).deployments).toBe(0);
    });
  });

  describe(`${name}: admission`, () => {
    const rated = { rateLimit: 3, maxConcurrent: 0 };
    const slots = { rateLimit: 0, maxConcurrent: 2 };

    it('allows `rateLimit` requests per one-second window and then refuses, per tenant', async () => {
      const store = await fresh();
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await store.admit({ tenant: 't' }, rated, T0 + 250));
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, false]);
      expect(outcomes.map((o) => ('rate' in o ? o.rate?.remaining : undefined))).toEqual([2, 1, 0, 0]);
      expect(outcomes[3]).toEqual({
        ok: false,
        reason: 'rate_limit',
        tenant: 't',
        rate: { allowed: false, limit: 3, remaining: 0, resetMs: 750 },
      });
      expect((await store.admit({ tenant: 'other' }, rated, T0 + 250)).ok).toBe(true);
      expect((await store.admit({ tenant: 't' }, rated, T0 + 1000)).ok).toBe(true);
    });

    it('holds at most `maxConcurrent` requests in flight per tenant; finishing one gives its slot back', async () => {
      const store = await fresh();
      const first = await store.admit({ tenant: 't' }, slots, T0);
      const second = await store.admit({ tenant: 't' }, slots, T0);
      expect(first).toMatchObject({ ok: true, tenant: 't', lease: expect.any(String) });
      expect(second).toMatchObject({ ok: true, lease: expect.any(String) });
      expect(await store.admit({ tenant: 't' }, slots, T0)).toEqual({
        ok: false,
        reason: 'concurrency_limit',
        tenant: 't',
      });
      expect((await store.admit({ tenant: 'u' }, slots, T0)).ok).toBe(true);
      const lease = first.ok ? first.lease : undefined;
      await store.finishRequest('t', { ...(lease ? { lease } : {}), admitted: false }, T0);
      // Giving the same slot back twice frees it once.
      await store.finishRequest('t', { ...(lease ? { lease } : {}), admitted: false }, T0);
      expect((await store.admit({ tenant: 't' }, slots, T0)).ok).toBe(true);
      expect((await store.admit({ tenant: 't' }, slots, T0)).ok).toBe(false);
    });

    it('a request refused for its rate takes no slot; both limits apply to a sandbox key', async () => {
      const store = await fresh();
      await store.createKey({ name: 'acme', hash: 'hash-acme', prefix: 'sgi_sbx_abcd', createdAt: T0 });
      const both = { rateLimit: 2, maxConcurrent: 1 };
      const first = await store.admit({ keyHash: 'hash-acme' }, both, T0);
      expect(first).toMatchObject({ ok: true, tenant: 'acme', rate: { remaining: 1 } });
      expect(await store.admit({ keyHash: 'hash-acme' }, both, T0)).toMatchObject({
        ok: false,
        reason: 'concurrency_limit',
        tenant: 'acme',
        rate: { remaining: 0 },
      });
      expect(await store.admit({ keyHash: 'hash-acme' }, both, T0)).toMatchObject({ reason: 'rate_limit' });
      const lease = first.ok ? first.lease : undefined;
      await store.finishRequest('acme', { ...(lease ? { lease } : {}), admitted: true }, T0);
      // Neither refused request holds a slot: the next window admits one again.
      expect(await store.admit({ keyHash: 'hash-acme' }, both, T0 + 1000)).toMatchObject({
        ok: true,
        tenant: 'acme',
      });
    });

    it('without limits, admits without a slot or a rate', async () => {
      const store = await fresh();
      for (let i = 0; i < 5; i++)
        expect(await store.admit({ tenant: 't' }, NO_LIMITS, T0)).toEqual({ ok: true, tenant: 't' });
    });
  });

  describe(`${name}: request log`, () => {
    it(`keeps the newest ${REQUEST_LOG_SIZE} entries of a tenant, newest first`, async () => {
      const store = await fresh();
      await created(store, 't');
      for (let i = 0; i < REQUEST_LOG_SIZE + 20; i++) {
        await store.finishRequest('t', { entry: entry(i), admitted: false }, T0);
      }
      const log = await store.requestLog('t', T0);
      expect(log).toHaveLength(REQUEST_LOG_SIZE);
      expect(log[0]?.request_id).toBe(`req_${REQUEST_LOG_SIZE + 19}`);
      expect(log.at(-1)?.request_id).toBe('req_20');
      expect(await store.requestLog('other', T0)).toEqual([]);
    });

    it('an admitted tenant (of a sandbox key) has a log before it creates anything', async () => {
      const store = await fresh();
      await store.finishRequest('acme', { entry: entry(1), admitted: true }, T0);
      expect(await store.requestLog('acme', T0)).toEqual([entry(1)]);
    });

    it('the end of a request gives its slot back and logs it in one step', async () => {
      const store = await fresh();
      await created(store, 't');
      const policy = { rateLimit: 0, maxConcurrent: 1 };
      const admitted = await store.admit({ tenant: 't' }, policy, T0);
      if (!admitted.ok || !admitted.lease) throw new Error('not admitted');
      await store.finishRequest('t', { lease: admitted.lease, entry: entry(7), admitted: false }, T0);
      expect(await store.requestLog('t', T0)).toEqual([entry(7)]);
      expect((await store.admit({ tenant: 't' }, policy, T0)).ok).toBe(true);
    });
  });
}
