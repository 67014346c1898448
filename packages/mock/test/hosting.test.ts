import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { client, expectDocumented } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const clock = { now: Date.UTC(2026, 11, 1, 9, 0, 0, 100) };
const logStream = new PassThrough();
let logText = '';
logStream.on('data', (chunk: Buffer) => {
  logText += chunk.toString('utf8');
});
let mock: MockServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  mock = await startSandbox({
    rateLimit: 3,
    maxConcurrent: 1,
    log: logStream,
    metricsPort: 0,
    clock: () => clock.now,
  });
  call = client(mock.url);
}, 120_000);
afterAll(() => mock.close());

const logLines = () =>
  logText
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Waits (a bounded number of times) until the log holds a line for this request id. */
async function logLineOf(requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const line = logLines().find((l) => l.request_id === requestId);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for ${requestId}`);
}

describe('operator routes', () => {
  it('GET /__sandbox/health and /__sandbox/ready answer without credentials', async () => {
    const health = await call('GET', '/__sandbox/health', { token: null });
    expect(health).toMatchObject({ status: 200, body: { success: true, message: 'alive' } });
    const ready = await call('GET', '/__sandbox/ready', { token: null });
    expect(ready).toMatchObject({ status: 200, body: { success: true, message: 'ready' } });
    expect((await call('POST', '/__sandbox/health', { token: null })).status).toBe(405);
  });
});

describe('per-tenant rate limits', () => {
  it('answers 429 with Retry-After and RateLimit-* beyond the requests per second, per tenant', async () => {
    clock.now += 1000;
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call('GET', '/sg_inf/list', { token: 'rate-a' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0', '0']);
    const limited = answers[3] as (typeof answers)[number];
    expectDocumented('GET', '/sg_inf/list', limited);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('ratelimit-limit')).toBe('3');
    expect(limited.headers.get('ratelimit-reset')).toBe('1');
    expect(limited.body.message).toContain('3 per second');
    // Another tenant has its own budget; the next second, so does this one.
    expect((await call('GET', '/sg_inf/list', { token: 'rate-b' })).status).toBe(200);
    clock.now += 1000;
    expect((await call('GET', '/sg_inf/list', { token: 'rate-a' })).status).toBe(200);
  });

  it('answers 429 beyond the concurrent requests of a tenant, and frees the slot when a request ends', async () => {
    const url = new URL(mock.url);
    const body = JSON.stringify(seedBody);
    /** A create whose body is not finished yet: it holds one of the tenant's slots until it ends. */
    const openSlow = () => {
      const state: { status?: number; answered: Promise<number>; end: () => void } = {} as never;
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/sg_inf/create',
          headers: {
            Authorization: 'Bearer busy',
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(body)),
          },
        },
        (res) => res.resume(),
      );
      state.answered = new Promise<number>((resolve) =>
        req.on('response', (res) => {
          state.status = res.statusCode;
          resolve(res.statusCode ?? 0);
        }),
      );
      req.write(body.slice(0, 10));
      state.end = () => req.end(body.slice(10));
      return state;
    };
    let slow = openSlow();
    let second = 0;
    for (let attempt = 0; attempt < 50 && second !== 429; attempt++) {
      // A probe that reached the server first made the slow create itself wait its turn: start another.
      if (slow.status === 429) slow = openSlow();
      await new Promise((r) => setTimeout(r, 20));
      clock.now += 1000; // a new rate window each time: only the concurrency limit applies
      const answer = await call('GET', '/sg_inf/list', { token: 'busy' });
      second = answer.status;
      if (second === 429 && slow.status === undefined) {
        expectDocumented('GET', '/sg_inf/list', answer);
        expect(answer.body.message).toContain('1 in flight');
        expect(answer.headers.get('retry-after')).toBe('1');
      } else second = 0;
    }
    expect(second).toBe(429);
    slow.end();
    expect(await slow.answered).toBe(200);
    let freed = 0;
    for (let attempt = 0; attempt < 50 && freed !== 200; attempt++) {
      clock.now += 1000;
      freed = (await call('GET', '/sg_inf/list', { token: 'busy' })).status;
    }
    expect(freed).toBe(200);
  });
});

describe('the request log of a tenant', () => {
  it('GET /__sandbox/requests returns the caller’s last requests, newest first, with validation errors and no secret', async () => {
    clock.now += 1000;
    const token = 'log-reader-secret-token';
    const created = await call('POST', '/sg_inf/create', {
      token,
      body: { ...seedBody, hf_token: 'hf_SECRETVALUE123' },
    });
    expect(created.status).toBe(200);
    clock.now += 1000;
    const bad = await call('POST', '/sg_inf/create', {
      token,
      body: { ...seedBody, inf_type: 'nope', hf_token: 'hf_SECRETVALUE123' },
    });
    expect(bad.status).toBe(422);
    const got = await call('GET', `/sg_inf/${created.body.message.inf_id}`, { token });
    clock.now += 1000;
    await call('GET', '/sg_inf/list', { token: 'someone-else' });
    const log = await call('GET', '/__sandbox/requests', { token });
    expect(log.status).toBe(200);
    const entries = log.body.message as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ['GET', `/sg_inf/${created.body.message.inf_id}`, 200],
      ['POST', '/sg_inf/create', 422],
      ['POST', '/sg_inf/create', 200],
    ]);
    expect(entries[0]).toMatchObject({
      request_id: got.headers.get('x-request-id'),
      duration_ms: expect.any(Number),
    });
    expect(entries[1]?.errors).toEqual([expect.objectContaining({ field: 'inf_type', code: 'enum' })]);
    expect(entries[1]?.request_id).toBe(bad.body.request_id);
    const text = JSON.stringify(log.body);
    expect(text).not.toContain('SECRETVALUE');
    expect(text).not.toContain(token);
    // Another tenant's requests are not there, and a caller without a token has no log.
    expect((await call('GET', '/__sandbox/requests', { token: 'someone-else' })).body.message).toEqual([]);
    expect((await call('GET', '/__sandbox/requests', { token: null })).status).toBe(401);
  });
});

describe('the access log', () => {
  it('writes one JSON line per request with tenant hash, method, path, status, duration and request id; never a secret', async () => {
    clock.now += 1000;
    const created = await call('POST', '/sg_inf/create', {
      token: 'access-log-secret-token',
      body: { ...seedBody, hf_token: 'hf_LOGSECRET999' },
    });
    const line = await logLineOf(created.headers.get('x-request-id') as string);
    expect(line).toMatchObject({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      method: 'POST',
      path: '/sg_inf/create',
      status: 200,
      duration_ms: expect.any(Number),
      tenant: expect.stringMatching(/^token:[0-9a-f]{12}$/),
    });
    const limited = logLines().find((l) => l.status === 429);
    expect(limited?.reason).toBeDefined();
    const anonymous = await call('GET', '/sg_inf/list', { token: null });
    expect(await logLineOf(anonymous.headers.get('x-request-id') as string)).toMatchObject({ status: 401 });
    expect(logText).not.toContain('secret-token');
    expect(logText).not.toContain('LOGSECRET');
    expect(logText).not.toMatch(/authorization/i);
  });
});

describe('Prometheus metrics', () => {
  it('serves requests by route and status, a latency histogram, tenants, deployments and rejections', async () => {
    expect(mock.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(mock.metricsUrl as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(
      /^sgi_mock_requests_total\{route="GET \/sg_inf\/list",method="GET",status="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /^sgi_mock_requests_total\{route="GET \/sg_inf\/\{inference_id\}",method="GET",status="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /^sgi_mock_request_duration_seconds_bucket\{le="0\.1",route="POST \/sg_inf\/create",method="POST"\} \d+$/m,
    );
    expect(text).toMatch(/^sgi_mock_rejections_total\{reason="rate_limit"\} [1-9]\d*$/m);
    expect(text).toMatch(/^sgi_mock_rejections_total\{reason="concurrency_limit"\} [1-9]\d*$/m);
    expect(text).toMatch(/^sgi_mock_tenants [1-9]\d*$/m);
    expect(text).toMatch(/^sgi_mock_deployments [1-9]\d*$/m);
    // Ids never become labels.
    expect(text).not.toMatch(/route="[^"]*[0-9a-f]{8}-[0-9a-f]{4}/);
    expect((await fetch(`${new URL(mock.metricsUrl as string).origin}/other`)).status).toBe(404);
  });
});
