import { afterEach, describe, expect, it } from 'vitest';
import { ReadBudget, type Reservation } from '../../src/hosting/read-budget.js';
import { startMockServer } from '../../src/index.js';
import { MemoryStore } from '../../src/sandbox/store/memory.js';
import type { SandboxStore } from '../../src/sandbox/store/types.js';

/**
 * The replica's budget of reads in flight, in bytes: a list reserves a tenant's whole quota before it reads
 * the store and holds it until its answer is out; reads that find no room wait their turn (or are refused
 * after the wait), and one tenant never holds more than half.
 */

const granted = (r: Reservation) => {
  if (!r.ok) throw new Error(`not granted: ${r.reason}`);
  return r;
};

/** Whether a promise has settled by the time the microtasks queued now have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('the budget of reads in flight', () => {
  it('grants what fits at once and holds the rest until bytes are given back, first come first served', async () => {
    const budget = new ReadBudget(100);
    const a = granted(await budget.reserve('a', 40));
    const b = granted(await budget.reserve('b', 40));
    const c = budget.reserve('c', 40);
    const d = budget.reserve('d', 10);
    // `d` would fit, but `c` waits for the whole budget before it: `d` waits behind it.
    expect(await settled(c)).toBe(false);
    expect(await settled(d)).toBe(false);
    expect(budget.inFlight).toBe(80);
    a.release();
    a.release(); // given back once only
    expect(budget.inFlight).toBe(40 + 40 + 10);
    granted(await c);
    granted(await d);
    b.release();
    expect(budget.waiting).toBe(0);
  });

  it('lets one tenant hold at most half, and the others pass it', async () => {
    const budget = new ReadBudget(100);
    const first = granted(await budget.reserve('noisy', 50));
    const second = budget.reserve('noisy', 10);
    expect(await settled(second)).toBe(false);
    // Another tenant is not held back by the noisy tenant's waiting read.
    granted(await budget.reserve('quiet', 40));
    first.release();
    granted(await second);
  });

  it('always lets one read through, however large', async () => {
    const budget = new ReadBudget(10);
    const big = granted(await budget.reserve('a', 1000));
    expect(budget.inFlight).toBe(1000);
    big.release();
    expect(budget.inFlight).toBe(0);
  });

  it('ends a wait when the caller leaves (nothing read for nobody), or refuses it after its wait', async () => {
    const budget = new ReadBudget(10, 50);
    const held = granted(await budget.reserve('a', 10));
    const left = new AbortController();
    const gone = budget.reserve('b', 10, left.signal);
    const busy = budget.reserve('c', 10);
    left.abort();
    expect(await gone).toEqual({ ok: false, reason: 'gone' });
    expect(await busy).toEqual({ ok: false, reason: 'busy' });
    expect(budget.waiting).toBe(0);
    held.release();
    expect(budget.inFlight).toBe(0);
  });
});

describe('a sandbox whose store reads are slow', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A memory store whose lists wait until `open()`, counting how many are being read at once. */
  function slowStore() {
    const inner = new MemoryStore(
      { provisionDelayMs: 60_000, deleteDelayMs: 1000 },
      {
        maxTenants: 100,
        maxDeploymentsPerTenant: 100,
        maxTenantBytes: 64 * 1024,
        maxDeployments: 1000,
        maxTotalBytes: 1024 * 1024,
        tenantTtlMs: 60_000,
      },
    );
    let reading = 0;
    let most = 0;
    let gate: Promise<void> = new Promise(() => {});
    let open = () => {};
    gate = new Promise((r) => {
      open = r;
    });
    const store = new Proxy(inner, {
      get(target, name) {
        if (name === 'list')
          return async (...args: Parameters<SandboxStore['list']>) => {
            reading++;
            most = Math.max(most, reading);
            await gate;
            try {
              return await target.list(...args);
            } finally {
              reading--;
            }
          };
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SandboxStore;
    return { store, most: () => most, reading: () => reading, open: () => open() };
  }

  /** A sandbox on a slow store with a budget of two 64 KiB lists, and a list call as `token`'s tenant. */
  async function sandboxOnSlowStore() {
    const slow = slowStore();
    const mock = await startMockServer({
      mode: 'sandbox',
      port: 0,
      store: slow.store,
      maxReadBytesInFlight: 128 * 1024,
    });
    closers.push(() => mock.close());
    const list = (token: string) =>
      fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: `Bearer ${token}` } });
    return { slow, list };
  }

  it('reads at most the budget at once: two lists of 64 KiB in a budget of 128 KiB, the others wait', async () => {
    const { slow, list } = await sandboxOnSlowStore();
    const calls = ['t1', 't2', 't3', 't4', 't5'].map(list);
    await expect.poll(() => slow.reading(), { timeout: 30_000 }).toBe(2);
    // Time for the others to reach the store if nothing held them back.
    await new Promise((r) => setTimeout(r, 300));
    expect(slow.most()).toBe(2);
    slow.open();
    const answers = await Promise.all(calls);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(slow.most()).toBe(2);
  });

  it('keeps one tenant to half of it, while another tenant reads', async () => {
    const { slow, list } = await sandboxOnSlowStore();
    const noisy = [list('noisy'), list('noisy'), list('noisy')];
    await expect.poll(() => slow.reading(), { timeout: 30_000 }).toBe(1);
    const quiet = list('quiet');
    await expect.poll(() => slow.reading(), { timeout: 30_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(slow.most()).toBe(2);
    slow.open();
    expect((await Promise.all([...noisy, quiet])).map((a) => a.status)).toEqual([200, 200, 200, 200]);
  });
});
