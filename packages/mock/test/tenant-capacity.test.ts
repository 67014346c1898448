import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { client, expectDocumented } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
let mock: MockServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  mock = await startSandbox({ maxTenants: 5 });
  call = client(mock.url);
}, 120_000);
afterAll(() => mock.close());

describe('sandbox: no caller can push out another tenant', () => {
  it("reads with fresh tokens create no tenant and never touch a partner's deployments", async () => {
    const id = (await call('POST', '/sg_inf/create', { body: seedBody, token: 'partner' })).body.message
      .inf_id;
    for (let i = 0; i < 40; i++) {
      const list = await call('GET', '/sg_inf/list', { token: `flood-read-${i}` });
      expect(list.body.message).toEqual([]);
      await call('GET', `/sg_inf/${id}`, { token: `flood-get-${i}` });
      await call('POST', '/__sandbox/reset', { token: `flood-reset-${i}` });
    }
    const got = await call('GET', `/sg_inf/${id}`, { token: 'partner' });
    expect(got.status).toBe(200);
    // Four more tenants fit: the reads above took no place.
    for (let i = 0; i < 4; i++) {
      expect((await call('POST', '/sg_inf/create', { body: seedBody, token: `writer-${i}` })).status).toBe(
        200,
      );
    }
  });

  it('at capacity, a new tenant is refused with the documented 403 and no tenant is evicted', async () => {
    const refused = await call('POST', '/sg_inf/create', { body: seedBody, token: 'one-too-many' });
    expect(refused.status).toBe(403);
    expectDocumented('POST', '/sg_inf/create', refused);
    expect(refused.body.message).toMatch(/^The sandbox is at capacity: it holds 5 tenants/);
    // Every tenant keeps its deployments, and an existing one can still create.
    expect((await call('GET', '/sg_inf/list', { token: 'partner' })).body.message).toHaveLength(1);
    expect((await call('POST', '/sg_inf/create', { body: seedBody, token: 'writer-0' })).status).toBe(200);
    expect((await call('GET', '/sg_inf/list', { token: 'writer-0' })).body.message).toHaveLength(2);
  });
});

describe('sandbox: inactive tenants expire', () => {
  it('forgets a tenant that made no request for tenantTtlMs, and frees its place', async () => {
    // The sandbox's clock, moved by hand: on a busy machine, real time could pass the limit between
    // two requests. A minute of limit, so that Redis's own expiry (in real time) never comes first.
    const time = { now: Date.UTC(2026, 11, 1, 9, 0, 0) };
    const short = await startSandbox({ maxTenants: 1, tenantTtlMs: 60_000, clock: () => time.now });
    try {
      const shortCall = client(short.url);
      const id = (await shortCall('POST', '/sg_inf/create', { body: seedBody, token: 'idle' })).body.message
        .inf_id;
      time.now += 59_000; // not yet
      expect((await shortCall('POST', '/sg_inf/create', { body: seedBody, token: 'next' })).status).toBe(403);
      time.now += 61_000; // no request from `idle` for longer than its limit
      expect((await shortCall('GET', `/sg_inf/${id}`, { token: 'idle' })).status).toBe(404);
      expect((await shortCall('POST', '/sg_inf/create', { body: seedBody, token: 'next' })).status).toBe(200);
    } finally {
      await short.close();
    }
  });
});
