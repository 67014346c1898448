/**
 * The gate starts a sandbox read as soon as it knows whose request it is, and the sandbox takes it: a GET
 * reads the store once, a read is only ever handed to its own tenant and route, and a request that never
 * reaches the sandbox leaves nothing behind.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { envelope, sendJson } from '../src/errors.js';
import { gate } from '../src/gate.js';
import { startMockServer } from '../src/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { MAX_READS_AHEAD, READ_AHEAD_HEADER, ReadAhead, readTarget } from '../src/sandbox/read-ahead.js';
import { MemoryStore } from '../src/sandbox/store/memory.js';
import type { DeploymentRecord } from '../src/sandbox/store/types.js';
import { eventually } from './support/replica.js';

const timings = { provisionDelayMs: 0, deleteDelayMs: 0 };
const NOW = 1_700_000_000_000;

/** A memory store that counts its reads. */
class CountingStore extends MemoryStore {
  gets = 0;
  lists = 0;
  constructor() {
    super(timings, DEFAULT_LIMITS);
  }
  override get(tenant: string, id: string, now: number): Promise<DeploymentRecord | undefined> {
    this.gets++;
    return super.get(tenant, id, now);
  }
  override list(tenant: string, now: number): Promise<DeploymentRecord[]> {
    this.lists++;
    return super.list(tenant, now);
  }
}

async function storeWithDeployment() {
  const store = new CountingStore();
  const created = await store.create(
    'tenant-a',
    { id: 'dep-1', settings: '{}', fails: false, pricePerHour: 1 },
    NOW,
  );
  if (!created.ok) throw new Error('create refused');
  return store;
}

describe('readTarget', () => {
  it('names the reads of the sandbox and nothing else', () => {
    expect(readTarget('GET', '/sg_inf/list')).toBe('list');
    expect(readTarget('GET', '/sg_inf/a%20b')).toEqual({ id: 'a b' });
    expect(readTarget('DELETE', '/sg_inf/abc')).toBeUndefined();
    expect(readTarget('POST', '/sg_inf/list')).toBeUndefined();
    expect(readTarget('GET', '/sg_inf/abc/scale/up')).toBeUndefined();
    expect(readTarget('GET', '/sg_inf/%E0%A4%A')).toBeUndefined();
    expect(readTarget('GET', '/__sandbox/requests')).toBeUndefined();
  });
});

describe('ReadAhead', () => {
  it('hands a read to its request once, with the time it was read at', async () => {
    const store = await storeWithDeployment();
    const ahead = new ReadAhead(store);
    const token = ahead.start('tenant-a', 'GET', '/sg_inf/dep-1', NOW + 5);
    expect(token).toBeDefined();
    const taken = ahead.take(token, 'tenant-a', { id: 'dep-1' });
    expect(taken?.now).toBe(NOW + 5);
    expect(await taken?.result).toMatchObject({ id: 'dep-1', one: { id: 'dep-1' } });
    expect(ahead.take(token, 'tenant-a', { id: 'dep-1' })).toBeUndefined();
    expect(ahead.size).toBe(0);
    expect(store.gets).toBe(1);
  });

  it('never hands a read to another tenant or another route, and keeps it for its own request', async () => {
    const ahead = new ReadAhead(await storeWithDeployment());
    const token = ahead.start('tenant-a', 'GET', '/sg_inf/dep-1', NOW);
    expect(ahead.take(token, 'tenant-b', { id: 'dep-1' })).toBeUndefined();
    expect(ahead.take(token, 'tenant-a', { id: 'dep-2' })).toBeUndefined();
    expect(ahead.take(token, 'tenant-a', 'list')).toBeUndefined();
    expect(ahead.take([String(token)], 'tenant-a', { id: 'dep-1' })).toBeUndefined();
    expect(ahead.take(token, 'tenant-a', { id: 'dep-1' })).toBeDefined();
  });

  it('starts nothing for a request that is no read', async () => {
    const store = await storeWithDeployment();
    const ahead = new ReadAhead(store);
    expect(ahead.start('tenant-a', 'DELETE', '/sg_inf/dep-1', NOW)).toBeUndefined();
    expect(ahead.start('tenant-a', 'POST', '/sg_inf/create', NOW)).toBeUndefined();
    expect(ahead.size).toBe(0);
    expect(store.gets + store.lists).toBe(0);
  });

  it(`holds at most ${MAX_READS_AHEAD} reads; beyond, the sandbox reads for itself`, async () => {
    const ahead = new ReadAhead(await storeWithDeployment());
    for (let i = 0; i < MAX_READS_AHEAD; i++)
      expect(ahead.start('tenant-a', 'GET', '/sg_inf/list', NOW)).toBeDefined();
    expect(ahead.start('tenant-a', 'GET', '/sg_inf/list', NOW)).toBeUndefined();
    expect(ahead.size).toBe(MAX_READS_AHEAD);
  });

  it('a failed read that nobody takes is no unhandled rejection', async () => {
    class Failing extends MemoryStore {
      override get(): Promise<DeploymentRecord | undefined> {
        return Promise.reject(new Error('store down'));
      }
    }
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ahead = new ReadAhead(new Failing(timings, DEFAULT_LIMITS));
      const token = ahead.start('tenant-a', 'GET', '/sg_inf/dep-1', NOW);
      ahead.drop(token as string);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('the gate and the sandbox', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  /** A gate whose next layer refuses every request, as the front or Prism may; what reached it. */
  async function refusingGate(ahead: ReadAhead) {
    const forwarded: Array<string | string[] | undefined> = [];
    const server = createServer(
      gate({
        store: ahead.store,
        readAhead: ahead,
        auth: 'open',
        rateLimit: 0,
        maxConcurrent: 0,
        tenantHeader: () => 'signed',
        notReady: () => undefined,
        clock: () => NOW,
        next: (req, res) => {
          forwarded.push(req.headers[READ_AHEAD_HEADER]);
          req.resume();
          sendJson(res, 422, envelope('refused before the sandbox'));
        },
      }),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { origin, forwarded };
  }

  it('a read whose request is refused before the sandbox is dropped when the request ends', async () => {
    const ahead = new ReadAhead(await storeWithDeployment());
    const { origin, forwarded } = await refusingGate(ahead);
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${origin}/sg_inf/dep-${i}`, { headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(422);
      await res.arrayBuffer();
    }
    expect(forwarded).toHaveLength(5);
    expect(forwarded.every((token) => typeof token === 'string')).toBe(true);
    await eventually('every read dropped', async () => (ahead.size === 0 ? true : undefined));
  });

  it('a caller cannot hand the sandbox a read of its own making', async () => {
    const ahead = new ReadAhead(await storeWithDeployment());
    const { origin, forwarded } = await refusingGate(ahead);
    const res = await fetch(`${origin}/sg_inf/dep-1`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer t', [READ_AHEAD_HEADER]: '1' },
    });
    expect(res.status).toBe(422);
    expect(forwarded).toEqual([undefined]);
  });

  const store = new CountingStore();
  const sandbox = startMockServer({ mode: 'sandbox', port: 0, store, provisionDelayMs: 0 });
  afterAll(async () => (await sandbox).close());

  it('a GET of a deployment or of the list reads the store once', async () => {
    const { url } = await sandbox;
    const headers = { authorization: 'Bearer read-ahead', 'content-type': 'application/json' };
    const created = await fetch(`${url}/sg_inf/create`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'read-ahead',
        model: 'BAAI/bge-large-en-v1.5',
        inf_type: 'embedding',
        controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
      }),
    });
    const id = ((await created.json()) as { message: { inf_id: string } }).message.inf_id;
    const before = { gets: store.gets, lists: store.lists };

    const one = await fetch(`${url}/sg_inf/${id}`, { headers });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { message: { id: string } }).message.id).toBe(id);
    const list = await fetch(`${url}/sg_inf/list`, { headers });
    expect(((await list.json()) as { message: unknown[] }).message).toHaveLength(1);
    expect({ gets: store.gets - before.gets, lists: store.lists - before.lists }).toEqual({
      gets: 1,
      lists: 1,
    });
  });
});
