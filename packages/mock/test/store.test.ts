import { describe, expect, it } from 'vitest';
import { SandboxStore } from '../src/sandbox/store.js';

/** A store on a clock that the test moves by hand. */
function storeAt(start = Date.UTC(2026, 10, 25, 14, 0, 0)) {
  const clock = { now: start };
  const store = new SandboxStore(
    { provisionDelayMs: 2000, deleteDelayMs: 1000 },
    { maxTenants: 3, maxDeploymentsPerTenant: 2, maxDeployments: 5 },
    () => clock.now,
  );
  return { store, clock };
}

const settings = {
  name: 'd',
  model: 'm',
  initial_worker_config: { initial_workers_gpu_num: 4, min_workers: 0 },
};

describe('sandbox store: statuses move with time', () => {
  it('PROVISIONING becomes ACTIVE after the provision delay, with a link and a price', () => {
    const { store, clock } = storeAt();
    const id = store.create('t', settings) as string;
    expect(store.get('t', id)).toMatchObject({
      status: 'PROVISIONING',
      link: null,
      current_price_per_hour: 0,
    });
    clock.now += 1999;
    expect(store.get('t', id)?.status).toBe('PROVISIONING');
    clock.now += 1;
    expect(store.get('t', id)).toMatchObject({
      status: 'ACTIVE',
      link: `https://${id}.sandbox.invalid`,
      current_price_per_hour: 6,
      cost: 0,
    });
  });

  it('a deployment asked to fail ends provisioning as FAILED, with the reason in metadata', () => {
    const { store, clock } = storeAt();
    const id = store.create('t', settings, { fails: true }) as string;
    expect(store.get('t', id)?.status).toBe('PROVISIONING');
    clock.now += 2000;
    expect(store.get('t', id)).toMatchObject({
      status: 'FAILED',
      link: null,
      current_price_per_hour: 0,
      end_time: new Date(clock.now).toISOString(),
      metadata: { failure_reason: expect.stringContaining('X-Sandbox-Outcome: fail') },
    });
    expect(store.start('t', id)).toMatchObject({ ok: false, status: 409 });
    expect(store.stop('t', id)).toMatchObject({ ok: false, status: 409 });
    expect(store.delete('t', id).ok).toBe(true);
  });

  it('adds up the cost of ACTIVE time only', () => {
    const { store, clock } = storeAt();
    const id = store.create('t', settings) as string;
    clock.now += 2000 + 3_600_000; // one hour ACTIVE at 6 $/h
    expect(store.get('t', id)?.cost).toBe(6);
    expect(store.stop('t', id)).toEqual({ ok: true, message: `Deployment ${id} is scaling to zero.` });
    clock.now += 3_600_000; // one hour INACTIVE: free
    expect(store.get('t', id)).toMatchObject({ status: 'INACTIVE', cost: 6, current_price_per_hour: 0 });
    expect(store.get('t', id)?.end_time).toBe(new Date(clock.now - 3_600_000).toISOString());
  });

  it('start brings an INACTIVE deployment back through PROVISIONING', () => {
    const { store, clock } = storeAt();
    const id = store.create('t', settings) as string;
    store.stop('t', id);
    expect(store.start('t', id).ok).toBe(true);
    expect(store.get('t', id)).toMatchObject({ status: 'PROVISIONING', end_time: null });
    clock.now += 2000;
    expect(store.get('t', id)?.status).toBe('ACTIVE');
  });

  it('DELETING lasts the delete delay, then the deployment is gone', () => {
    const { store, clock } = storeAt();
    const id = store.create('t', settings) as string;
    expect(store.delete('t', id).ok).toBe(true);
    expect(store.get('t', id)?.status).toBe('DELETING');
    expect(store.delete('t', id)).toEqual({
      ok: false,
      status: 409,
      message: `Deployment ${id} is DELETING; it is already being deleted.`,
    });
    clock.now += 1000;
    expect(store.get('t', id)).toBeUndefined();
    expect(store.list('t')).toEqual([]);
    expect(store.delete('t', id)).toMatchObject({ ok: false, status: 404 });
  });

  it.each([
    ['start', 'PROVISIONING'],
    ['start', 'ACTIVE'],
    ['stop', 'INACTIVE'],
  ] as const)('refuses to %s a %s deployment with 409', (operation, status) => {
    const { store, clock } = storeAt();
    const id = store.create('t', settings) as string;
    if (status === 'ACTIVE') clock.now += 2000;
    if (status === 'INACTIVE') store.stop('t', id);
    expect(store.get('t', id)?.status).toBe(status);
    expect(store[operation]('t', id)).toMatchObject({ ok: false, status: 409 });
  });
});

describe('sandbox store: tenants', () => {
  it('keeps each token to its own deployments', () => {
    const { store } = storeAt();
    const id = store.create('alice', settings) as string;
    expect(store.get('bob', id)).toBeUndefined();
    expect(store.list('bob')).toEqual([]);
    expect(store.stop('bob', id)).toMatchObject({ ok: false, status: 404 });
    expect(store.get('alice', id)?.user_id).toMatch(/^usr_[0-9a-f]{12}$/);
    expect(store.get('alice', id)?.user_id).not.toBe(store.list('bob')[0]?.user_id);
  });

  it('refuses a create beyond the per-token limit', () => {
    const { store } = storeAt();
    expect(store.create('t', settings)).toBeDefined();
    expect(store.create('t', settings)).toBeDefined();
    expect(store.create('t', settings)).toBeUndefined();
  });

  it('forgets the least recently used token beyond the tenant limit', () => {
    const { store } = storeAt();
    const kept = store.create('a', settings) as string;
    store.create('b', settings);
    store.create('c', settings);
    store.list('a'); // a is now the most recently used
    store.create('d', settings); // b is forgotten
    expect(store.size()).toEqual({ tenants: 3, deployments: 3 });
    expect(store.get('a', kept)).toBeDefined();
    expect(store.list('b')).toEqual([]);
  });

  it('forgets the least recently used tokens when all tokens together hold too many', () => {
    const { store } = storeAt();
    const first = store.create('a', settings) as string;
    store.create('a', settings);
    store.create('b', settings);
    store.create('b', settings);
    store.create('c', settings); // 5 in all: the limit
    expect(store.size()).toEqual({ tenants: 3, deployments: 5 });
    const newest = store.create('c', settings); // a, the least recently used, is forgotten
    expect(newest).toBeDefined();
    expect(store.size()).toEqual({ tenants: 2, deployments: 4 });
    expect(store.get('a', first)).toBeUndefined();
  });

  it('counts what delete and reset remove', () => {
    const { store, clock } = storeAt();
    const id = store.create('a', settings) as string;
    store.create('a', settings);
    store.delete('a', id);
    clock.now += 1000;
    store.list('a');
    expect(store.size().deployments).toBe(1);
    store.reset('a');
    expect(store.size().deployments).toBe(0);
  });

  it("reset forgets one token's deployments only", () => {
    const { store } = storeAt();
    store.create('a', settings);
    store.create('a', settings);
    const other = store.create('b', settings) as string;
    expect(store.reset('a')).toBe(2);
    expect(store.list('a')).toEqual([]);
    expect(store.get('b', other)).toBeDefined();
  });
});
