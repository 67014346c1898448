import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ContractViolation, MockServer } from '../src/index.js';
import { fromSchema, mutation } from './support/arbitrary.js';
import { spec } from './support/contract.js';
import { startSandbox } from './support/sandbox.js';

const RUNS = inject('fuzzRuns') ?? 10_000;
const SEED = 20261125;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

const createOp = spec.paths['/sg_inf/create']?.post as {
  requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } };
};
/** Create bodies valid against the schema, and against the rules the spec states in words. */
const validBody = (
  fromSchema(createOp.requestBody.content['application/json'].schema) as fc.Arbitrary<Record<string, unknown>>
).map((body) => {
  const { min_throughput_rate: _min, max_throughput_rate: _max, ...rest } = body;
  const scaling = rest.autoscaling_config as Record<string, unknown> | undefined;
  return scaling ? { ...rest, autoscaling_config: { ...scaling, scale_to_zero: false } } : rest;
});
/** Printable ASCII only: what an HTTP client may put in a header or a request line. */
const ascii = (max: number) =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map(String.fromCharCode), maxLength: max });
const token = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }).map((n) => `Bearer fuzz-${n}`) },
  fc.constantFrom(
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `Bearer ${'t'.repeat(4000)}`,
    'bearer lower-case',
  ),
  ascii(60),
);
const hostileId = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
  ascii(40).filter((s) => !s.includes('?') && !s.includes('#')),
  fc.constantFrom('..', '.', '%', '%zz', '%2F', '%00', 'a/b', 'list', 'create', 'x'.repeat(300), '%E0%A4%A'),
  fc.uuid(),
);
const contentType = fc.oneof(
  fc.constant('application/json'),
  fc.constantFrom(
    'text/plain',
    'application/xml',
    'application/json; charset=utf-16',
    'multipart/form-data',
    '',
  ),
  ascii(30),
);
const optionalHeaders = fc.record(
  {
    prefer: fc.oneof(
      fc.constantFrom(
        'code=500',
        'code=abc',
        'example=nope',
        'example=constructor',
        'example=__proto__',
        'dynamic=true',
        'Dynamic="true"',
        '__dynamic__=true',
        'seed=1',
        'code=200; dynamic=true',
      ),
      ascii(30),
    ),
    'x-sandbox-chaos': fc.constantFrom('2', 'lots', '', '-1', 'NaN', '0'),
    accept: fc.oneof(fc.constantFrom('text/html', 'application/xml', '*/*'), ascii(20)),
  },
  { requiredKeys: [] },
);
const withHeaders = (auth: string, extra: Record<string, string>, type?: string) => {
  const headers: Record<string, string> = { ...extra };
  if (auth) headers.authorization = auth;
  if (type !== undefined) headers['content-type'] = type;
  return headers;
};

/** Hostile requests of every kind, generated from the create schema and then spoiled. */
const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.tuple(validBody, token).map(([body, auth]) => ({
      kind: 'create valid',
      method: 'POST',
      path: '/sg_inf/create',
      headers: withHeaders(auth, {}, 'application/json'),
      body: JSON.stringify(body),
    })),
  },
  {
    weight: 5,
    arbitrary: fc
      .tuple(validBody, fc.array(mutation, { minLength: 1, maxLength: 3 }), token, optionalHeaders)
      .map(([body, spoil, auth, extra]) => ({
        kind: 'create mutated',
        method: 'POST',
        path: '/sg_inf/create',
        headers: withHeaders(auth, extra, 'application/json'),
        body: JSON.stringify(spoil.reduce((b, f) => f(b), body)),
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.json({ maxDepth: 6 }),
          fc.constantFrom('{', '{"name":', '[[[[[', '\uFEFF{}', 'null', ''),
        ),
        contentType,
        token,
      )
      .map(([body, type, auth]) => ({
        kind: 'create raw',
        method: 'POST',
        path: '/sg_inf/create',
        headers: withHeaders(auth, {}, type),
        body,
      })),
  },
  {
    // Operations on a deployment the same token created earlier (`{known}` is replaced when sent), in
    // any order: stop a deleted one, start an active one, delete twice...
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(['GET', ''], ['DELETE', ''], ['POST', '/scale/up'], ['POST', '/scale/zero']),
        fc.constantFrom('', '?force=true', '?force=false', '?force=maybe'),
        fc.integer({ min: 0, max: 300 }),
      )
      .map(([[method, suffix], query, n]) => ({
        kind: 'known id',
        method,
        path: `/sg_inf/{known}${suffix}${query}`,
        headers: withHeaders(`Bearer fuzz-${n}`, {}),
      })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(['GET', ''], ['DELETE', ''], ['POST', '/scale/up'], ['POST', '/scale/zero']),
        hostileId,
        fc.constantFrom(
          '',
          '?force=true',
          '?force=maybe',
          '?force=',
          '?force=1&force=0',
          '?x=%zz',
          '?__dynamic=true',
          '?__seed=7',
          '?__code=500',
          '?__example=constructor',
          '?%5F%5Fdynamic=true',
        ),
        token,
        optionalHeaders,
      )
      .map(([[method, suffix], id, query, auth, extra]) => ({
        kind: 'by id',
        method,
        path: `/sg_inf/${id}${suffix}${query}`,
        headers: withHeaders(auth, extra),
      })),
  },
  {
    // Huge arrays of bad items: the validator's work and the errors answered must stay bounded.
    weight: 1,
    arbitrary: fc
      .tuple(
        validBody,
        fc.integer({ min: 65, max: 3000 }),
        fc.constantFrom({ name: 1 }, {}, 'x', null),
        token,
      )
      .map(([body, count, item, auth]) => ({
        kind: 'create bad items',
        method: 'POST',
        path: '/sg_inf/create',
        headers: withHeaders(auth, {}, 'application/json'),
        body: JSON.stringify({ ...body, llm_loras: Array.from({ length: count }, () => item) }),
      })),
  },
  {
    // Bytes that are not UTF-8 inside an otherwise valid body.
    weight: 1,
    arbitrary: fc
      // After an ASCII quote, a continuation byte or a byte above 0xf7 is never UTF-8.
      .tuple(
        validBody,
        fc.oneof(fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 0xf8, max: 0xff })),
        fc.nat(),
        token,
      )
      .map(([body, byte, at, auth]) => {
        const bytes = Buffer.from(JSON.stringify(body), 'utf8');
        const after = bytes.indexOf('"', at % bytes.length);
        // The body is an object with keys: it has a quote.
        const quote = after >= 0 ? after : bytes.indexOf('"');
        bytes[quote + 1] = byte;
        return {
          kind: 'create not utf-8',
          method: 'POST',
          path: '/sg_inf/create',
          headers: withHeaders(auth, {}, 'application/json'),
          body: bytes,
        };
      }),
  },
  {
    // Dot segments and encoded slashes, which Prism would read as another route.
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          ['POST', '/sg_inf/./create'],
          ['POST', '/sg_inf/%2e/create'],
          ['POST', '/sg_inf/x/../create'],
          ['POST', '/sg_inf/x/%2E%2e/create'],
          ['GET', '/sg_inf/./list'],
          ['GET', '/sg_inf/x/..%2flist'],
          ['GET', '/sg_inf%2Flist'],
          ['DELETE', '/sg_inf/x/%2e%2e/%2e%2e/sg_inf/y'],
          ['POST', '/__sandbox/../sg_inf/create'],
        ),
        validBody,
        token,
      )
      .map(([[method, path], body, auth]) => ({
        kind: 'dot segments',
        method,
        path,
        headers: withHeaders(auth, {}, 'application/json'),
        body: method === 'POST' ? JSON.stringify({ ...body, nmae: 'unknown' }) : undefined,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(token, optionalHeaders).map(([auth, extra]) => ({
      kind: 'list',
      method: 'GET',
      path: '/sg_inf/list',
      headers: withHeaders(auth, extra),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS', 'HEAD', 'TRACE'),
        ascii(60),
        token,
      )
      .map(([method, rest, auth]) => ({
        kind: 'other route',
        method,
        path: `/${rest.replaceAll('?', '')}`,
        headers: withHeaders(auth, {}),
      })),
  },
);

let mock: MockServer;
const violations: ContractViolation[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function send(base: URL, r: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, method: r.method, path: r.path, headers: r.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    // Bounds a hang only: on a machine busy with other work an answer can take long.
    req.setTimeout(60_000, () => req.destroy(new Error(`no answer within 60 s: ${r.method} ${r.path}`)));
    req.end(r.body);
  });
}

beforeAll(async () => {
  mock = await startSandbox({
    maxTenants: 100,
    maxDeploymentsPerTenant: 20,
    onContractViolation: (v) => violations.push(v),
  });
});
afterAll(async () => {
  agent.destroy();
  await mock.close();
});

describe('fuzz: hostile requests against the sandbox', () => {
  it(`answers ${RUNS} hostile requests with no 5xx, and still works afterwards with bounded memory`, async () => {
    const requests = fc.sample(fuzzRequest, { numRuns: RUNS, seed: SEED });
    const base = new URL(mock.url);
    const byStatus = new Map<number, number>();
    const byKind = new Map<string, number>();
    const failures: string[] = [];
    /** The last ids each token created, for the `known id` requests. */
    const createdBy = new Map<string, string[]>();

    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const planned = requests[next++] as FuzzRequest;
        const auth = planned.headers.authorization ?? '';
        const known = createdBy.get(auth) ?? [];
        const r = planned.path.includes('{known}')
          ? {
              ...planned,
              path: planned.path.replace('{known}', known[next % Math.max(1, known.length)] ?? 'none-yet'),
            }
          : planned;
        const { status, text } = await send(base, r);
        if (r.path === '/sg_inf/create' && status === 200) {
          createdBy.set(auth, [...known.slice(-9), JSON.parse(text).message.inf_id]);
        }
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
        if (['dot segments', 'create bad items', 'create not utf-8'].includes(r.kind) && status < 400) {
          failures.push(`accepted: ${r.kind} ${status} ${r.method} ${r.path}`);
        }
        if (status >= 500) failures.push(`${status} ${r.method} ${r.path} ${text.slice(0, 300)}`);
        if (r.method !== 'HEAD' && status !== 204) {
          try {
            const body = JSON.parse(text);
            if (typeof body.success !== 'boolean')
              failures.push(`no envelope: ${r.method} ${r.path} ${text.slice(0, 200)}`);
            if (Array.isArray(body.errors) && body.errors.length > 1000)
              failures.push(`${body.errors.length} errors: ${r.method} ${r.path}`);
          } catch {
            failures.push(`not JSON: ${status} ${r.method} ${r.path} ${text.slice(0, 200)}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    gc();
    const heapAfter = process.memoryUsage().heapUsed;

    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      [
        `fuzz: ${RUNS} requests (seed ${SEED})`,
        `  by kind:   ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`,
        `  by status: ${[...byStatus]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')}`,
        `  5xx: ${failures.filter((f) => /^5\d\d /.test(f)).length}, contract violations: ${violations.length}`,
        `  heapUsed before ${mb(heapBefore)}, after ${mb(heapAfter)} (after GC)`,
      ].join('\n'),
    );

    expect(failures.slice(0, 10)).toEqual([]);
    expect(violations).toEqual([]);
    expect([...byStatus.keys()].every((s) => s >= 200 && s < 500)).toBe(true);
    expect(byStatus.get(200) ?? 0).toBeGreaterThan(RUNS / 50);
    expect(heapAfter - heapBefore).toBeLessThan(64 * 1024 * 1024);

    // Still answers, and still works for a tenant of the run (the run filled the sandbox's tenants, so a
    // new token would be refused), once it has reset its deployments.
    const tenant = [...createdBy.keys()][0] as string;
    const headers = { authorization: tenant, 'content-type': 'application/json' };
    expect(
      (await send(base, { kind: 'check', method: 'POST', path: '/__sandbox/reset', headers })).status,
    ).toBe(200);
    const body = JSON.stringify({
      name: 'after',
      model: 'm/m',
      controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
    });
    const created = await send(base, {
      kind: 'check',
      method: 'POST',
      path: '/sg_inf/create',
      headers,
      body,
    });
    expect(created.status).toBe(200);
    const id = JSON.parse(created.text).message.inf_id;
    const got = await send(base, { kind: 'check', method: 'GET', path: `/sg_inf/${id}`, headers });
    expect(JSON.parse(got.text).message).toMatchObject({ id, name: 'after', status: 'ACTIVE' });
  }, 180_000);
});
