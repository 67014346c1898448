import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from '../src/core/retry.js';
import {
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  NotFoundError,
  rawClient,
  ScaleGenError,
} from '../src/index.js';
import { DEPLOYMENT } from './support/fault-server.js';
import { clientWith, json, USER_AGENT } from './support/stub-fetch.js';

describe('what the API answers', () => {
  it('204 on get is a NotFoundError, 204 on list is an empty list (the real server does both)', async () => {
    const { client } = clientWith(() => new Response(null, { status: 204 }));
    const err = await client.inference.get('dep-1').catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toBe(
      'inference.get failed: the API answered 204 with no content (no such deployment)',
    );
    await expect(client.inference.list()).resolves.toEqual([]);
    const created = await client.inference.create({} as never).catch((e) => e);
    expect(created.constructor).toBe(APIError);
    expect(created.status).toBe(204);
    expect(created.message).toBe('inference.create failed: the API answered 204 with no content');
  });

  it('a bare object or array without the envelope is taken as the result', async () => {
    const { client } = clientWith((c) => json(200, c.url.endsWith('/list') ? [DEPLOYMENT] : DEPLOYMENT));
    await expect(client.inference.get('dep-1')).resolves.toEqual(DEPLOYMENT);
    await expect(client.inference.list()).resolves.toEqual([DEPLOYMENT]);
  });

  it('a 2xx with success: false is an APIError with the server message', async () => {
    const { client } = clientWith(() => json(200, { success: false, message: 'Quota exceeded.' }));
    const err = await client.inference.start('dep-1').catch((e) => e);
    expect(err).toBeInstanceOf(APIError);
    expect(err.message).toBe('inference.start failed with HTTP 200: Quota exceeded.');
  });

  it('withResponse resolves with the data, the Response and the request id', async () => {
    const { client } = clientWith(() =>
      json(200, { success: true, message: 'Stopping.' }, { 'x-request-id': 'req_42' }),
    );
    const r = await client.inference.withResponse.stop('dep-1', { force: true });
    expect(r.data).toBe('Stopping.');
    expect(r.requestId).toBe('req_42');
    expect(r.response.status).toBe(200);
  });

  it('an error carries status, headers, the parsed body, the field list and the request id', async () => {
    const body = {
      success: false,
      message: 'The request has 1 invalid field.',
      errors: [
        { field: 'autoscaling_config.scale_to_zero_timeout_sec', message: 'must be >= 60', code: 'minimum' },
      ],
      request_id: 'req_body',
    };
    const { client } = clientWith(() => json(422, body));
    const err = await client.inference.create({} as never).catch((e) => e);
    expect(err.name).toBe('UnprocessableEntityError');
    expect(err.status).toBe(422);
    expect(err.headers.get('content-type')).toBe('application/json');
    expect(err.body).toEqual(body);
    expect(err.errors).toEqual(body.errors);
    expect(err.requestId).toBe('req_body');
    expect(err.message).toBe(
      'inference.create failed with HTTP 422: The request has 1 invalid field. (autoscaling_config.scale_to_zero_timeout_sec: must be >= 60) [request req_body]',
    );
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ name: 'UnprocessableEntityError', status: 422 });
    expect(String(err)).toBe(`UnprocessableEntityError: ${err.message}`);
  });
});

describe('requests', () => {
  it('send only the headers they need: user agent, auth, content type on bodies, the retry count on retries', async () => {
    const { client, calls } = clientWith((_c, i) =>
      i === 0 ? json(503, {}) : json(200, { success: true, message: [] }),
    );
    await client.inference.list();
    await client.inference.create({} as never).catch(() => undefined);
    expect(calls.map((c) => c.headers)).toEqual([
      { 'user-agent': USER_AGENT, authorization: 'Bearer token-12345678' },
      { 'user-agent': USER_AGENT, authorization: 'Bearer token-12345678', 'x-retry-count': '1' },
      {
        'user-agent': USER_AGENT,
        authorization: 'Bearer token-12345678',
        'content-type': 'application/json',
      },
    ]);
  });

  it('build each path and query from the spec', async () => {
    const { client, calls } = clientWith(() => json(200, { success: true, message: 'ok' }));
    await client.inference.delete('dep-1', { force: true });
    await client.inference.delete('dep-1');
    await client.inference.start('dep-1');
    await client.inference.stop('dep-1', { force: false });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'DELETE http://api.test/sg_inf/dep-1?force=true',
      'DELETE http://api.test/sg_inf/dep-1',
      'POST http://api.test/sg_inf/dep-1/scale/up',
      'POST http://api.test/sg_inf/dep-1/scale/zero?force=false',
    ]);
  });

  it('merge client and per-call headers', async () => {
    const { client, calls } = clientWith(() => json(200, { success: true, message: [] }), {
      headers: { 'x-team': 'a', 'x-env': 'prod' },
    });
    await client.inference.list({ headers: { 'x-team': 'b' } });
    expect(calls[0]?.headers).toEqual({
      'x-team': 'b',
      'x-env': 'prod',
      authorization: 'Bearer token-12345678',
      'user-agent': USER_AGENT,
    });
  });

  it('reject an id that is not one, naming it, without sending anything', async () => {
    const { client, calls } = clientWith(() => json(200, {}));
    for (const id of ['', 'list', 'create', '../x', 'a b', 'x'.repeat(129), 42 as unknown as string]) {
      const err = await client.inference.get(id).catch((e) => e);
      expect(err).toBeInstanceOf(ScaleGenError);
      expect(err.message).toContain(`inference.get: ${JSON.stringify(id)} is not a deployment id`);
    }
    expect(calls).toHaveLength(0);
  });

  it('time out per attempt and retry reads', async () => {
    const hang = (_c: unknown, i: number) =>
      i === 2 ? json(200, { success: true, message: [] }) : new Promise<Response>(() => {});
    // A fetch that never answers unless aborted.
    const { client, calls } = clientWith(() => json(200, {}), {
      timeout: 20,
      fetch: ((url: string, init: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          const i = calls.length;
          calls.push({ url, method: 'GET', headers: {}, body: undefined });
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
          void Promise.resolve(hang(null, i)).then(resolve);
        })) as typeof fetch,
    });
    await expect(client.inference.list()).resolves.toEqual([]);
    expect(calls).toHaveLength(3);
    await expect(client.inference.create({} as never)).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(calls).toHaveLength(4);
  });

  it('aborting during the wait before a retry stops at once, with no further attempt', async () => {
    const { client, calls } = clientWith(() => json(500, { success: false, message: 'Boom.' }), {
      backoff: { initialDelay: 60_000, maxDelay: 60_000 },
    });
    const ac = new AbortController();
    const call = client.inference.list({ signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const { client, calls } = clientWith(() => json(200, {}));
    const err = await client.inference.list({ signal: AbortSignal.abort() }).catch((e) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(0);
  });
});

describe('logging', () => {
  it('logs retries at info, API warnings at warn, requests at debug, nothing when off', async () => {
    const lines: string[] = [];
    const logger = {
      debug: (m: string) => lines.push(`debug ${m}`),
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
    };
    const answer = (c: { url: string }, i: number) =>
      i === 0
        ? json(500, { success: false, message: 'Boom.' })
        : c.url.endsWith('/create')
          ? json(200, { success: true, message: { inf_id: 'x' }, warning: 'Spot only.' })
          : json(200, { success: true, message: [] });
    const a = clientWith(answer, { logger, logLevel: 'warn' });
    await a.client.inference.list().catch(() => undefined);
    await a.client.inference.create({} as never);
    expect(lines).toEqual(['warn inference.create: the API warns: Spot only.']);
    lines.length = 0;
    const b = clientWith(answer, { logger, logLevel: 'debug' });
    await b.client.inference.list();
    expect(lines).toEqual([
      'debug GET http://api.test/sg_inf/list',
      expect.stringMatching(/^debug GET \/sg_inf\/list -> 500 in \d+ ms \(attempt 1\)$/),
      expect.stringMatching(
        /^info inference\.list: inference\.list failed with HTTP 500: Boom\.; retry 1 of 2 in \d+ ms$/,
      ),
      'debug GET http://api.test/sg_inf/list (retry 1)',
      expect.stringMatching(/^debug GET \/sg_inf\/list -> 200 in \d+ ms \(attempt 2\)$/),
    ]);
    lines.length = 0;
    const c = clientWith(answer, { logger, logLevel: 'off' });
    await c.client.inference.list();
    expect(lines).toEqual([]);
  });
});

describe('backoff', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Wed, 25 Nov 2026 14:00:00 GMT');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 14:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 13:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('honours Retry-After up to its cap, else doubles from the initial delay with up to 25 % jitter', () => {
    expect(retryDelay(1, '2')).toBe(2000);
    expect(retryDelay(1, '3600')).toBe(60_000);
    expect(retryDelay(1, '3600', { maxRetryAfter: 5000 })).toBe(5000);
    for (const [n, base] of [
      [1, 500],
      [2, 1000],
      [3, 2000],
      [6, 8000],
    ] as const) {
      const d = retryDelay(n, null);
      expect(d).toBeGreaterThan(base * 0.75 - 1e-9);
      expect(d).toBeLessThanOrEqual(base);
    }
  });
});

describe('rawClient', () => {
  it('sends the client credentials and headers as fetch(url, init); per-call headers win', async () => {
    const { client, calls } = clientWith(() => json(200, { success: true, message: [] }), {
      headers: { 'x-team': 'a', 'x-env': 'prod' },
    });
    const { data } = await rawClient(client).GET('/sg_inf/list', { headers: { 'X-Team': 'b' } });
    expect(data?.message).toEqual([]);
    expect(calls[0]?.url).toBe('http://api.test/sg_inf/list');
    expect(calls[0]?.headers).toMatchObject({
      authorization: 'Bearer token-12345678',
      'x-team': 'b',
      'x-env': 'prod',
    });
  });
});
