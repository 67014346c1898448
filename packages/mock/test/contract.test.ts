import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContractViolation, type MockServer, startMockServer } from '../src/index.js';
import { client, expectDocumented } from './support/http.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const caught: ContractViolation[] = [];
let mock: MockServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  mock = await startMockServer({
    mode: 'sandbox',
    port: 0,
    provisionDelayMs: 0,
    onContractViolation: (v) => caught.push(v),
    // Break the spec on purpose: a status the spec does not know, and a stop answer that is not a string.
    alterSandboxResponse: ({ method, path }, body) => {
      const b = body as { message?: Record<string, unknown> };
      if (method === 'GET' && path.startsWith('/sg_inf/') && path !== '/sg_inf/list' && b.message?.id) {
        return { ...b, message: { ...b.message, status: 'RUNNING' } };
      }
      if (path.endsWith('/scale/zero')) return { success: true, message: { stopped: true } };
      // Fields added after the spec: allowed in answers, and served untouched.
      if (path === '/sg_inf/list' && Array.isArray(b.message)) {
        return {
          ...b,
          served_by: 'replica-2',
          message: b.message.map((d: Record<string, unknown>) => ({
            ...d,
            region_label: 'eu-1',
            autoscaling_config: { ...(d.autoscaling_config as object), burst_workers: 2 },
          })),
        };
      }
      return body;
    },
  });
  call = client(mock.url, 'contract-token');
});
afterAll(() => mock.close());

describe('sandbox: a response that breaks the spec is never served', () => {
  it('turns an unknown status into a loud 500 naming the field', async () => {
    const id = (await call('POST', '/sg_inf/create', { body: seedBody })).body.message.inf_id;
    const answer = await call('GET', `/sg_inf/${id}`);
    expect(answer.status).toBe(500);
    expectDocumented('GET', `/sg_inf/${id}`, answer);
    expect(answer.body.message).toBe(
      `The sandbox produced a response to GET /sg_inf/${id} that breaks the API spec; it was not served.`,
    );
    expect(answer.body.errors).toContainEqual(
      expect.objectContaining({ field: 'response.body.message.status', code: 'enum' }),
    );
    expect(JSON.stringify(answer.body)).not.toContain('RUNNING"');
    expect(caught.at(-1)).toMatchObject({ method: 'GET', path: `/sg_inf/${id}`, status: 500 });
  });

  it('catches a wrong type in a message result', async () => {
    const id = (await call('POST', '/sg_inf/create', { body: seedBody })).body.message.inf_id;
    const answer = await call('POST', `/sg_inf/${id}/scale/zero`);
    expect(answer.status).toBe(500);
    expect(answer.body.errors).toContainEqual(
      expect.objectContaining({ field: 'response.body.message', code: 'type' }),
    );
  });

  it('serves an answer with fields the spec does not know, untouched', async () => {
    const before = caught.length;
    await call('POST', '/sg_inf/create', { body: seedBody });
    const list = await call('GET', '/sg_inf/list');
    expect(list.status, JSON.stringify(caught.at(-1))).toBe(200);
    expect(list.body.served_by).toBe('replica-2');
    expect(list.body.message.length).toBeGreaterThan(0);
    for (const d of list.body.message) {
      expect(d.region_label).toBe('eu-1');
      expect(d.autoscaling_config.burst_workers).toBe(2);
    }
    expect(caught.length).toBe(before);
  });

  it('lets answers that keep to the spec through', async () => {
    const before = caught.length;
    const list = await call('GET', '/sg_inf/list');
    expect(list.status).toBe(200);
    expectDocumented('GET', '/sg_inf/list', list);
    expect(caught.length).toBe(before);
  });
});
