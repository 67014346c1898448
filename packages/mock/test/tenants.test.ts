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
  mock = await startSandbox();
  call = client(mock.url);
});
afterAll(() => mock.close());

describe('sandbox: tenants are bearer tokens', () => {
  it("never shows one token's deployments to another", async () => {
    const id = (await call('POST', '/sg_inf/create', { body: seedBody, token: 'alice' })).body.message.inf_id;
    expect((await call('GET', '/sg_inf/list', { token: 'bob' })).body.message).toEqual([]);
    for (const [method, path] of [
      ['GET', `/sg_inf/${id}`],
      ['DELETE', `/sg_inf/${id}`],
      ['POST', `/sg_inf/${id}/scale/zero`],
      ['POST', `/sg_inf/${id}/scale/up`],
    ] as const) {
      const answer = await call(method, path, { token: 'bob' });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expectDocumented(method, path, answer);
    }
    expect((await call('GET', `/sg_inf/${id}`, { token: 'alice' })).body.message.status).toBe('ACTIVE');
  });

  it('POST /__sandbox/reset forgets the caller’s deployments and no one else’s', async () => {
    await call('POST', '/sg_inf/create', { body: seedBody, token: 'carol' });
    await call('POST', '/sg_inf/create', { body: seedBody, token: 'carol' });
    const dave = (await call('POST', '/sg_inf/create', { body: seedBody, token: 'dave' })).body.message
      .inf_id;
    const reset = await call('POST', '/__sandbox/reset', { token: 'carol' });
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({
      success: true,
      message: 'Sandbox reset: 2 deployments of this token removed.',
    });
    expect((await call('GET', '/sg_inf/list', { token: 'carol' })).body.message).toEqual([]);
    expect((await call('GET', `/sg_inf/${dave}`, { token: 'dave' })).status).toBe(200);
  });

  it('reset needs a bearer token, and other /__sandbox/ routes do not exist', async () => {
    const anonymous = await call('POST', '/__sandbox/reset', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.success).toBe(false);
    const other = await call('GET', '/__sandbox/state');
    expect(other.status).toBe(404);
    expect(other.body.message).toBe('No such route: GET /__sandbox/state.');
  });

  it('answers 401 in the envelope without a bearer token', async () => {
    const answer = await call('GET', '/sg_inf/list', { token: null });
    expect(answer.status).toBe(401);
    expectDocumented('GET', '/sg_inf/list', answer);
  });
});
