import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContractViolation, type MockServer, startMockServer } from '../src/index.js';
import { type Answer, type CallOptions, client, expectDocumented } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const violations: ContractViolation[] = [];
let mock: MockServer;
let raw: ReturnType<typeof client>;

/** Calls the sandbox and checks the answer against the spec. */
async function call(method: string, path: string, options?: CallOptions): Promise<Answer> {
  const answer = await raw(method, path, options);
  expectDocumented(method, path, answer);
  return answer;
}

async function waitForStatus(id: string, status: string, token?: string): Promise<Answer> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const answer = await call('GET', `/sg_inf/${id}`, { token });
    if (answer.body.message?.status === status) return answer;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`deployment ${id} never became ${status}`);
}

beforeAll(async () => {
  mock = await startSandbox({ onContractViolation: (v) => violations.push(v) });
  raw = client(mock.url, 'lifecycle-token');
});
afterAll(() => mock.close());

describe('sandbox: the whole life of a deployment over raw HTTP', () => {
  it('create -> ACTIVE -> get -> list -> stop -> start -> delete -> 404', async () => {
    const created = await call('POST', '/sg_inf/create', { body: seedBody });
    expect(created.status).toBe(200);
    const id: string = created.body.message.inf_id;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const active = await waitForStatus(id, 'ACTIVE');
    expect(active.body.message).toMatchObject({ id, name: seedBody.name, model: seedBody.model });
    expect(active.body.message.link).toBe(`${mock.url}/deployments/${id}`);

    const listed = await call('GET', '/sg_inf/list');
    expect(listed.body.message.map((d: { id: string }) => d.id)).toContain(id);

    const stopped = await call('POST', `/sg_inf/${id}/scale/zero`);
    expect(stopped.status).toBe(200);
    const inactive = await call('GET', `/sg_inf/${id}`);
    expect(inactive.body.message).toMatchObject({
      status: 'INACTIVE',
      link: null,
      current_price_per_hour: 0,
    });
    expect(inactive.body.message.end_time).not.toBeNull();

    const started = await call('POST', `/sg_inf/${id}/scale/up`);
    expect(started.status).toBe(200);
    await waitForStatus(id, 'ACTIVE');

    const deleted = await call('DELETE', `/sg_inf/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.message).toBe(`Deployment ${id} is being deleted.`);
    const gone = await call('GET', `/sg_inf/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, message: `Deployment ${id} was not found.` });
    expect((await call('GET', '/sg_inf/list')).body.message.map((d: { id: string }) => d.id)).not.toContain(
      id,
    );
  });

  it('answers an illegal transition with the documented 409', async () => {
    const id = (await call('POST', '/sg_inf/create', { body: seedBody })).body.message.inf_id;
    await waitForStatus(id, 'ACTIVE');
    const start = await call('POST', `/sg_inf/${id}/scale/up`);
    expect(start.status).toBe(409);
    expect(start.body.message).toBe(
      `Deployment ${id} is ACTIVE; only an INACTIVE deployment can be started.`,
    );
    await call('POST', `/sg_inf/${id}/scale/zero`);
    const stopAgain = await call('POST', `/sg_inf/${id}/scale/zero?force=true`);
    expect(stopAgain.status).toBe(409);
    expect(stopAgain.body.message).toContain('is INACTIVE');
  });

  it('answers 404 for an id it never issued, on every operation', async () => {
    for (const [method, path] of [
      ['GET', '/sg_inf/no-such-id'],
      ['DELETE', '/sg_inf/no-such-id'],
      ['POST', '/sg_inf/no-such-id/scale/up'],
      ['POST', '/sg_inf/no-such-id/scale/zero'],
    ] as const) {
      const answer = await call(method, path);
      expect(answer.status).toBe(404);
      expect(answer.body.message).toBe('Deployment no-such-id was not found.');
    }
  });

  it('lists newest first', async () => {
    const token = 'newest-first';
    const first = (await call('POST', '/sg_inf/create', { body: seedBody, token })).body.message.inf_id;
    const second = (await call('POST', '/sg_inf/create', { body: seedBody, token })).body.message.inf_id;
    const ids = (await call('GET', '/sg_inf/list', { token })).body.message.map((d: { id: string }) => d.id);
    expect(ids).toEqual([second, first]);
  });

  it('served no answer that broke the spec', () => {
    expect(violations).toEqual([]);
  });
});

describe('sandbox: statuses in between, with real delays', () => {
  let slow: MockServer;
  let slowCall: ReturnType<typeof client>;
  beforeAll(async () => {
    slow = await startMockServer({
      mode: 'sandbox',
      port: 0,
      provisionDelayMs: 600_000,
      deleteDelayMs: 600_000,
    });
    slowCall = client(slow.url, 'slow-token');
  });
  afterAll(() => slow.close());

  it('shows PROVISIONING with no link until the delay has passed, and DELETING after delete', async () => {
    const id = (await slowCall('POST', '/sg_inf/create', { body: seedBody })).body.message.inf_id;
    const provisioning = await slowCall('GET', `/sg_inf/${id}`);
    expectDocumented('GET', `/sg_inf/${id}`, provisioning);
    expect(provisioning.body.message).toMatchObject({ status: 'PROVISIONING', link: null, end_time: null });

    const deleted = await slowCall('DELETE', `/sg_inf/${id}`);
    expect(deleted.status).toBe(200);
    const deleting = await slowCall('GET', `/sg_inf/${id}`);
    expect(deleting.body.message.status).toBe('DELETING');
    const again = await slowCall('DELETE', `/sg_inf/${id}`);
    expect(again.status).toBe(409);
    expectDocumented('DELETE', `/sg_inf/${id}`, again);
    const start = await slowCall('POST', `/sg_inf/${id}/scale/up`);
    expect(start.status).toBe(409);
  });

  it('lets a PROVISIONING deployment be stopped', async () => {
    const id = (await slowCall('POST', '/sg_inf/create', { body: seedBody })).body.message.inf_id;
    expect((await slowCall('POST', `/sg_inf/${id}/scale/zero`)).status).toBe(200);
    expect((await slowCall('GET', `/sg_inf/${id}`)).body.message.status).toBe('INACTIVE');
  });
});
