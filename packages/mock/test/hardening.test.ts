import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { errorEnvelopeViolations } from './support/contract.js';
import { client, expectDocumented } from './support/http.js';
import { rawRequest } from './support/raw.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const auth = { Authorization: 'Bearer hardening', 'Content-Type': 'application/json' };
let mock: MockServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  mock = await startSandbox();
  call = client(mock.url, 'hardening');
});
afterAll(() => mock.close());

describe('validation errors: linear, bounded, in the spec', () => {
  it('a create with 400 bad items answers 422 with at most 1,000 errors, as the spec allows', async () => {
    const body = {
      ...seedBody,
      inf_type: 'llm',
      llm_loras: Array.from({ length: 400 }, () => ({ name: 1 })),
    };
    const answer = await call('POST', '/sg_inf/create', { body });
    expect(answer.status).toBe(422);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.errors.length).toBeLessThanOrEqual(1000);
    expect(answer.body.message).toMatch(/^The request has (at least )?\d+ invalid fields: llm_loras/);
  });

  it('a body of more than 2,000 JSON values answers 400 before any validation', async () => {
    const body = { ...seedBody, llm_loras: Array.from({ length: 32_000 }, () => ({ name: 1 })) };
    const answer = await call('POST', '/sg_inf/create', { body });
    expect(answer.status).toBe(400);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.message).toBe('The request body holds more than 2000 JSON values.');
  });
});

describe('paths that Prism would read as another route', () => {
  it.each([
    '/sg_inf/./create',
    '/sg_inf/%2e/create',
    '/sg_inf/%2E/create',
    '/sg_inf/x/../create',
    '/sg_inf/x/%2e%2e/create',
    '/sg_inf/x/.%2E/create',
    '/sg_inf%2fcreate',
    '/sg_inf/x%2F..%2Fcreate',
    '/sg_inf/x%5c..%5ccreate',
  ])('POST %s is refused before any check and stores nothing', async (path) => {
    const token = `dots-${path.length}-${path.charCodeAt(8)}`;
    const answer = await rawRequest(
      mock.url,
      'POST',
      path,
      { ...auth, Authorization: `Bearer ${token}` },
      JSON.stringify({ ...seedBody, nmae: 'typo' }),
    );
    expect(answer.status).toBe(404);
    const body = JSON.parse(answer.text);
    expect(errorEnvelopeViolations(body)).toEqual([]);
    expect(body.message).toMatch(
      /^No such route: POST .* \(it has (a '\.' or '\.\.' segment|an encoded slash or backslash)\)\.$/,
    );
    expect((await call('GET', '/sg_inf/list', { token })).body.message).toEqual([]);
  });
});

describe('what the sandbox stores', () => {
  it('a body that is not UTF-8 answers 400, as documented, and nothing is stored', async () => {
    const token = 'not-utf8';
    const text = JSON.stringify({ ...seedBody, name: 'NAME' });
    const bytes = Buffer.from(text, 'utf8');
    const at = bytes.indexOf('NAME');
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    const answer = await rawRequest(
      mock.url,
      'POST',
      '/sg_inf/create',
      { ...auth, Authorization: `Bearer ${token}` },
      bytes,
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).message).toBe('The request body is not valid UTF-8.');
    expect((await call('GET', '/sg_inf/list', { token })).body.message).toEqual([]);
  });

  it('accepts the bearer scheme in any case (it is case-insensitive)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const answer = await rawRequest(mock.url, 'GET', '/sg_inf/list', {
        Authorization: `${scheme} case-token`,
      });
      expect(answer.status, scheme).toBe(200);
    }
    const created = await rawRequest(
      mock.url,
      'POST',
      '/sg_inf/create',
      { Authorization: 'bearer case-token', 'Content-Type': 'application/json' },
      JSON.stringify(seedBody),
    );
    expect(created.status).toBe(200);
    expect((await call('GET', '/sg_inf/list', { token: 'case-token' })).body.message).toHaveLength(1);
  });
});

describe("the sandbox's own errors carry the request id in their body", () => {
  it('404 and 409 and 401', async () => {
    const missing = await call('GET', '/sg_inf/no-such-deployment');
    expect(missing.status).toBe(404);
    expect(missing.body.request_id).toBe(missing.headers.get('x-request-id'));
    expectDocumented('GET', '/sg_inf/no-such-deployment', missing);

    const id = (await call('POST', '/sg_inf/create', { body: seedBody })).body.message.inf_id;
    const conflict = await call('POST', `/sg_inf/${id}/scale/up`);
    expect(conflict.status).toBe(409);
    expect(conflict.body.request_id).toBe(conflict.headers.get('x-request-id'));
    expectDocumented('POST', `/sg_inf/${id}/scale/up`, conflict);

    const anonymous = await call('GET', '/sg_inf/list', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.request_id).toBe(anonymous.headers.get('x-request-id'));
  });
});

describe('sandbox headers: a value that means nothing is refused', () => {
  it.each([
    ['X-Sandbox-Chaos', '2'],
    ['X-Sandbox-Chaos', 'lots'],
    ['X-Sandbox-Chaos', ''],
    ['X-Sandbox-Chaos', '-0.5'],
    ['X-Sandbox-Outcome', 'explode'],
  ])('%s: %j answers 400 naming the header', async (header, value) => {
    const token = `header-${header}-${value}`;
    const answer = await call('POST', '/sg_inf/create', {
      body: seedBody,
      token,
      headers: { [header]: value },
    });
    expect(answer.status).toBe(400);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.errors).toEqual([expect.objectContaining({ field: header })]);
    expect((await call('GET', '/sg_inf/list', { token })).body.message).toEqual([]);
  });

  it('the documented values still work', async () => {
    const answer = await call('POST', '/sg_inf/create', {
      body: seedBody,
      token: 'outcome-fail',
      headers: { 'X-Sandbox-Outcome': 'fail', 'X-Sandbox-Chaos': '0' },
    });
    expect(answer.status).toBe(200);
  });
});
