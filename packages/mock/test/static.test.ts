import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { responseViolations } from './support/contract.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const auth = { Authorization: 'Bearer static-test', 'Content-Type': 'application/json' };
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ mode: 'static', port: 0 });
});
afterAll(() => mock.close());

/** Calls the mock and returns the status, headers and parsed JSON body. */
async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    headers: init.headers ?? auth,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: type.includes('json') ? JSON.parse(text) : text };
}

const operations = [
  ['POST', '/sg_inf/create'],
  ['GET', '/sg_inf/list'],
  ['GET', '/sg_inf/3f6c1c2e'],
  ['DELETE', '/sg_inf/3f6c1c2e'],
  ['POST', '/sg_inf/3f6c1c2e/scale/up'],
  ['POST', '/sg_inf/3f6c1c2e/scale/zero'],
] as const;

describe('static mode: every operation', () => {
  it('listens on a free loopback port', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.port).toBeGreaterThan(0);
  });

  it.each(operations)('%s %s answers 200 with a body the spec allows', async (method, path) => {
    const res = await call(method, path, { body: path.endsWith('/create') ? seedBody : undefined });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(responseViolations(method, path, 200, res.body)).toEqual([]);
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it.each(operations)('%s %s without a bearer token gets 401 in the error envelope', async (method, path) => {
    const res = await call(method, path, {
      headers: { 'Content-Type': 'application/json' },
      body: path.endsWith('/create') ? seedBody : undefined,
    });
    expect(res.status).toBe(401);
    expect(res.body.success).toBe(false);
    expect(responseViolations(method, path, 401, res.body)).toEqual([]);
  });

  it('answers 404 in the error envelope for an unknown route', async () => {
    const res = await call('GET', '/sg_inf/abc/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      success: false,
      message: 'No such route: GET /sg_inf/abc/nothing-here.',
    });
  });
});

describe('static mode: invalid requests name each field', () => {
  it('names the offending fields of a create body with dotted paths and reasons', async () => {
    const body = {
      ...seedBody,
      inf_type: 'chat',
      autoscaling_config: { ...seedBody.autoscaling_config, scale_to_zero_timeout_sec: 'soon' },
      cloud_providers: [{ name: 'MOON', regions: ['US'] }],
    };
    const res = await call('POST', '/sg_inf/create', { body });
    expect(res.status).toBe(422);
    expect(responseViolations('POST', '/sg_inf/create', 422, res.body)).toEqual([]);
    const byField = Object.fromEntries(res.body.errors.map((e: { field: string }) => [e.field, e]));
    expect(Object.keys(byField).sort()).toEqual([
      'autoscaling_config.scale_to_zero_timeout_sec',
      'cloud_providers.0.name',
      'inf_type',
    ]);
    expect(byField.inf_type).toMatchObject({
      code: 'enum',
      message: expect.stringContaining('llm, embedding'),
    });
    expect(byField['autoscaling_config.scale_to_zero_timeout_sec']).toMatchObject({ code: 'type' });
    expect(res.body.message).toMatch(
      /^The request has 3 invalid fields: [a-z_.0-9]+, [a-z_.0-9]+, [a-z_.0-9]+\.$/,
    );
  });

  it('names a missing required field', async () => {
    const { name: _name, ...body } = seedBody;
    const res = await call('POST', '/sg_inf/create', { body });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'name', message: 'is required', code: 'required' }]);
  });

  it('names an unknown field inside a nested config', async () => {
    const body = { ...seedBody, controller_cloud_config: { ...seedBody.controller_cloud_config, zone: 'b' } };
    const res = await call('POST', '/sg_inf/create', { body });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'controller_cloud_config.zone', message: 'is not a known field', code: 'unknown_field' },
    ]);
  });

  it('names unknown fields in objects the spec closes with unevaluatedProperties, which Prism lets through', async () => {
    const body = structuredClone(seedBody);
    body.autoscaling_config.scale_to_zero_timout_sec = 60;
    body.cloud_providers[0].zone = 'b';
    const res = await call('POST', '/sg_inf/create', { body });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'cloud_providers.0.zone', message: 'is not a known field', code: 'unknown_field' },
      {
        field: 'autoscaling_config.scale_to_zero_timout_sec',
        message: 'is not a known field',
        code: 'unknown_field',
      },
    ]);
  });

  it('rejects an unknown top-level field, which Prism alone lets through', async () => {
    const res = await call('POST', '/sg_inf/create', { body: { ...seedBody, nmae: 'typo' } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'nmae', message: 'is not a known field', code: 'unknown_field' },
    ]);
  });

  it('says that exactly one controller configuration is needed, once', async () => {
    const none = await call('POST', '/sg_inf/create', {
      body: { ...seedBody, controller_cloud_config: null },
    });
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual([
      {
        field: 'controller_cloud_config',
        message:
          'exactly one of controller_cloud_config, controller_on_prem_config, gateway_config is required',
        code: 'required',
      },
    ]);
    const both = await call('POST', '/sg_inf/create', {
      body: { ...seedBody, controller_on_prem_config: { on_prem_node_id: 'node-1' } },
    });
    expect(both.status).toBe(422);
    expect(both.body.errors).toEqual([
      expect.objectContaining({ field: 'controller_on_prem_config', code: 'conflict' }),
    ]);
  });

  it('names an invalid path parameter and query parameter', async () => {
    const id = await call('GET', '/sg_inf/%C3%A9t%C3%A9');
    expect(id.status).toBe(422);
    expect(id.body.errors).toEqual([expect.objectContaining({ field: 'inference_id', code: 'pattern' })]);
    const force = await call('DELETE', '/sg_inf/abc?force=maybe');
    expect(force.status).toBe(422);
    expect(force.body.errors).toEqual([{ field: 'force', message: 'must be boolean', code: 'type' }]);
  });

  it('answers a missing body with 422 naming the body', async () => {
    const res = await call('POST', '/sg_inf/create');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: '', code: 'required' })]);
  });
});

describe('static mode: Prefer forces documented responses', () => {
  it.each([
    [429, 'GET', '/sg_inf/abc'],
    [503, 'POST', '/sg_inf/abc/scale/up'],
  ])('Prefer: code=%i gives that status with Retry-After', async (code, method, path) => {
    const res = await call(method, path, { headers: { ...auth, Prefer: `code=${code}` } });
    expect(res.status).toBe(code);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(responseViolations(method, path, code, res.body)).toEqual([]);
  });

  it.each([404, 409, 500])('Prefer: code=%i on delete gives the documented error envelope', async (code) => {
    const res = await call('DELETE', '/sg_inf/abc', { headers: { ...auth, Prefer: `code=${code}` } });
    expect(res.status).toBe(code);
    expect(res.body.success).toBe(false);
    expect(responseViolations('DELETE', '/sg_inf/abc', code, res.body)).toEqual([]);
  });

  it('gives the plain-text 500 when asked for text', async () => {
    const res = await call('GET', '/sg_inf/abc', {
      headers: { ...auth, Prefer: 'code=500', Accept: 'text/plain' },
    });
    expect(res.status).toBe(500);
    expect(res.body).toBe('Internal Server Error');
  });

  it('picks a named example', async () => {
    const res = await call('POST', '/sg_inf/create', {
      headers: { ...auth, Prefer: 'code=422, example=ValidationFailed' },
      body: seedBody,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'inf_type',
      'autoscaling_config.scale_to_zero_timeout_sec',
    ]);
  });

  it('explains a status the spec does not document', async () => {
    const res = await call('GET', '/sg_inf/abc', { headers: { ...auth, Prefer: 'code=418' } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, message: expect.stringContaining('418') });
  });
});
