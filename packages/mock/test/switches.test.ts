import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildMock, startChildMock } from './support/child.js';
import { errorEnvelopeViolations, responseViolations, spec } from './support/contract.js';

// The static server runs in its own process with a small heap: a switch that made Prism generate
// unbounded data used to hang it and then kill it ("JavaScript heap out of memory").
let mock: ChildMock;

beforeAll(async () => {
  mock = await startChildMock(['--mode', 'static'], 192);
});
afterAll(async () => {
  expect(await mock.stop()).toBe(0);
});

const auth = { Authorization: 'Bearer switches-test' };
const seedBody = readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8');

async function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    headers: { ...auth, ...headers },
    body: path.endsWith('/create') ? seedBody : undefined,
    // A bound for the test, not a timing claim: before the fix these requests never got an answer.
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: type.includes('json') ? JSON.parse(text) : text };
}

describe("static mode: Prism's switches that generate data are refused", () => {
  it.each([
    ['/sg_inf/list', { Prefer: 'dynamic=true' }, 'Prefer.dynamic'],
    ['/sg_inf/list', { Prefer: 'code=200, Dynamic="true"' }, 'Prefer.dynamic'],
    ['/sg_inf/list', { Prefer: '__DYNAMIC__=true' }, 'Prefer.dynamic'],
    ['/sg_inf/list', { Prefer: 'seed=42' }, 'Prefer.seed'],
    ['/sg_inf/list?__dynamic=true', {}, '__dynamic'],
    ['/sg_inf/list?__seed=1', {}, '__seed'],
    ['/sg_inf/list?__dynamic=true', { Prefer: 'code=200' }, '__dynamic'],
    ['/sg_inf/abc?__dynamic=true&force=true', {}, '__dynamic'],
    ['/sg_inf/abc?%5F%5Fdynamic=true', {}, '__dynamic'],
  ])('GET %s %j answers 422 naming %s', async (path, headers, field) => {
    const answer = await get(path, headers);
    expect(answer.status).toBe(422);
    expect(errorEnvelopeViolations(answer.body)).toEqual([]);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        field,
        code: 'unsupported',
        message: expect.stringContaining('code and example'),
      }),
    ]);
    expect(answer.body.request_id).toMatch(/^req_/);
  });

  it('answers 401 first when the caller has no bearer token', async () => {
    const res = await fetch(`${mock.url}/sg_inf/list`, { headers: { Prefer: 'dynamic=true' } });
    expect(res.status).toBe(401);
  });

  it('is still alive and serving the examples afterwards', async () => {
    expect(mock.alive()).toBe(true);
    const answer = await get('/sg_inf/list');
    expect(answer.status).toBe(200);
    expect(responseViolations('GET', '/sg_inf/list', 200, answer.body)).toEqual([]);
  });
});

describe('static mode: code and example', () => {
  it('an unknown example answers 422 listing the named examples', async () => {
    const answer = await get('/sg_inf/abc', { Prefer: 'code=404, example=nope' });
    expect(answer.status).toBe(422);
    expect(responseViolations('GET', '/sg_inf/abc', 422, answer.body)).toEqual([]);
    expect(answer.body.errors).toEqual([
      {
        field: 'Prefer.example',
        message: 'must name an example of the 404 response of GET /sg_inf/{inference_id}: NotFound',
        code: 'enum',
      },
    ]);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'example=%s answers 422, never a 500 or an internal URL',
    async (name) => {
      for (const path of ['/sg_inf/list', '/sg_inf/abc', `/sg_inf/abc?__example=${name}`]) {
        const answer = await get(path, path.includes('__example') ? {} : { Prefer: `example=${name}` });
        expect(answer.status, path).toBe(422);
        expect(errorEnvelopeViolations(answer.body)).toEqual([]);
        expect(JSON.stringify(answer.body)).not.toMatch(/https?:|stoplight/i);
      }
    },
  );

  it('a code that is not a status answers 422 listing the documented ones', async () => {
    const answer = await get('/sg_inf/abc', { Prefer: 'code=abc' });
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'Prefer.code', message: expect.stringContaining('200, 401') }),
    ]);
  });

  it('the query forms __code and __example work like Prefer and are not passed on as parameters', async () => {
    const answer = await get('/sg_inf/abc?__code=404&__example=NotFound');
    expect(answer.status).toBe(404);
    expect(responseViolations('GET', '/sg_inf/abc', 404, answer.body)).toEqual([]);
  });

  it('other preferences are ignored, as RFC 7240 says', async () => {
    const answer = await get('/sg_inf/abc', { Prefer: 'return=minimal, code=429; wait=5' });
    expect(answer.status).toBe(429);
  });

  // Every answer static mode can give through the allowed switches: documented, and small.
  const cases = Object.entries(spec.paths).flatMap(([template, item]) =>
    Object.entries(item as Record<string, { responses?: Record<string, { $ref?: string }> }>).flatMap(
      ([method, op]) =>
        Object.keys(op.responses ?? {}).map(
          (code) => [method.toUpperCase(), template, Number(code)] as const,
        ),
    ),
  );
  it.each(cases)(
    '%s %s Prefer: code=%i answers that status with a documented, bounded body',
    async (method, template, code) => {
      const path = template.replace('{inference_id}', 'abc');
      const answer = await get(path, { Prefer: `code=${code}`, 'Content-Type': 'application/json' }, method);
      expect(answer.status).toBe(code);
      expect(responseViolations(method, path, code, answer.body)).toEqual([]);
      expect(JSON.stringify(answer.body).length).toBeLessThan(64 * 1024);
    },
  );
});
