import { getEventListeners } from 'node:events';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redact } from '../src/core/errors.js';
import {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  createClient,
  DeploymentFailedError,
  requestIdOf,
  ScaleGenError,
} from '../src/index.js';
import { DEPLOYMENT } from './support/fault-server.js';
import {
  abortable,
  clientWith,
  deferred,
  json,
  KEY_PAIR,
  stubFetch,
  TOKEN_URL,
  USER_AGENT,
} from './support/stub-fetch.js';

// The edges where a user's configuration or an unusual answer meets the client.
const list = () => json(200, { success: true, message: [] });

/** Process warnings (MaxListenersExceededWarning, TimeoutOverflowWarning) emitted during a test. */
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});
/** Lets warnings emitted on the next tick arrive. */
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('1. every numeric and URL option is checked, at createClient, withOptions and per call', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['maxRetries NaN', { maxRetries: Number.NaN }, 'maxRetries must be a whole number >= 0, not NaN'],
    ['maxRetries -1', { maxRetries: -1 }, 'maxRetries must be a whole number >= 0, not -1'],
    ['maxRetries 1.5', { maxRetries: 1.5 }, 'maxRetries must be a whole number >= 0, not 1.5'],
    ['maxRetries Infinity', { maxRetries: Infinity }, 'maxRetries must be a whole number >= 0, not Infinity'],
    ['maxRetries "2"', { maxRetries: '2' }, 'maxRetries must be a whole number >= 0, not "2"'],
    ['timeout NaN', { timeout: Number.NaN }, 'timeout must be a number >= 0, not NaN'],
    ['timeout -1', { timeout: -1 }, 'timeout must be a number >= 0, not -1'],
    ['timeout "5000"', { timeout: '5000' }, 'timeout must be a number >= 0, not "5000"'],
    [
      'backoff.initialDelay NaN',
      { backoff: { initialDelay: Number.NaN } },
      'backoff.initialDelay must be a number >= 0, not NaN',
    ],
    [
      'backoff.maxRetryAfter -5',
      { backoff: { maxRetryAfter: -5 } },
      'backoff.maxRetryAfter must be a number >= 0, not -5',
    ],
  ];
  const badUrls: [string, Record<string, unknown>, string][] = [
    [
      'baseUrl without a scheme',
      { baseUrl: 'prod-api.scalegen.ai' },
      'baseUrl must be an http(s) URL, not "prod-api.scalegen.ai"',
    ],
    [
      'baseUrl host:port',
      { baseUrl: 'localhost:4010' },
      'baseUrl must be an http(s) URL, not "localhost:4010"',
    ],
    ['baseUrl empty', { baseUrl: '' }, 'baseUrl must be an http(s) URL, not ""'],
  ];

  it.each([...bad, ...badUrls])('createClient: %s', (_name, option, message) => {
    const make = () => createClient({ token: 'token-12345678', ...option } as never);
    expect(make).toThrow(ScaleGenError);
    expect(make).toThrow(`createClient: ${message}`);
  });

  it.each([...bad, ...badUrls])('withOptions: %s', (_name, option, message) => {
    const { client } = clientWith(list);
    expect(() => client.withOptions(option as never)).toThrow(`withOptions: ${message}`);
  });

  it.each(bad)('per call: %s; nothing is sent', async (_name, option, message) => {
    const { client, calls } = clientWith(list);
    const err = await client.inference.list(option as never).catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ScaleGenError);
    expect((err as Error).message).toBe(`inference.list: ${message}`);
    const wait = await client.inference.waitUntilReady('dep-1', option as never).catch((e: unknown) => e);
    expect((wait as Error).message).toBe(`inference.waitUntilReady: ${message}`);
    expect(calls).toEqual([]);
  });

  it('tokenUrl and SCALEGEN_BASE_URL are checked too', () => {
    expect(() => createClient({ ...KEY_PAIR, tokenUrl: 'auth.test/oauth/token' })).toThrow(
      'createClient: tokenUrl must be an http(s) URL, not "auth.test/oauth/token"',
    );
    const before = process.env.SCALEGEN_BASE_URL;
    process.env.SCALEGEN_BASE_URL = 'api.example.test';
    try {
      expect(() => createClient({ token: 'token-12345678' })).toThrow(
        'createClient: SCALEGEN_BASE_URL must be an http(s) URL, not "api.example.test"',
      );
    } finally {
      if (before === undefined) delete process.env.SCALEGEN_BASE_URL;
      else process.env.SCALEGEN_BASE_URL = before;
    }
  });

  it('maxRetries: Number(process.env.UNSET) cannot make a client that retries without end', () => {
    const fromEnv = Number(process.env.SGI_TEST_UNSET_RETRIES);
    expect(() => createClient({ token: 'token-12345678', maxRetries: fromEnv })).toThrow(
      'createClient: maxRetries must be a whole number >= 0, not NaN',
    );
  });

  it('waitUntilReady checks its interval and maxInterval', async () => {
    const { client, calls } = clientWith(list);
    await expect(client.inference.waitUntilReady('dep-1', { interval: -1 })).rejects.toThrow(
      'inference.waitUntilReady: interval must be a number >= 0, not -1',
    );
    await expect(client.inference.waitUntilReady('dep-1', { maxInterval: Number.NaN })).rejects.toThrow(
      'inference.waitUntilReady: maxInterval must be a number >= 0, not NaN',
    );
    expect(calls).toEqual([]);
  });
});

describe('2. a timeout at or above 2^31-1 ms is no limit, never a 1 ms deadline', () => {
  const late = (ms: number) => new Promise<Response>((r) => setTimeout(() => r(list()), ms));

  it.each([2 ** 31 - 1, Number.MAX_SAFE_INTEGER, 25 * 24 * 3_600_000])(
    'timeout %s: a call answered after 30 ms succeeds, without TimeoutOverflowWarning',
    async (timeout) => {
      const { client } = clientWith(() => late(30), { timeout });
      await expect(client.inference.list()).resolves.toEqual([]);
      await expect(client.inference.list({ timeout })).resolves.toEqual([]);
      await settle();
      expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
    },
  );

  it('waitUntilReady with a 25-day timeout waits, and a huge interval is clamped (no 1 ms pause)', async () => {
    const { client } = clientWith(
      () =>
        new Promise<Response>((r) =>
          setTimeout(() => r(json(200, { success: true, message: DEPLOYMENT })), 30),
        ),
    );
    await expect(
      client.inference.waitUntilReady('dep-1', { timeout: 25 * 24 * 3_600_000 }),
    ).resolves.toMatchObject({ status: 'ACTIVE' });
    const provisioning = clientWith(() =>
      json(200, { success: true, message: { ...DEPLOYMENT, status: 'PROVISIONING' } }),
    );
    const ac = new AbortController();
    const wait = provisioning.client.inference.waitUntilReady('dep-1', {
      interval: Number.MAX_SAFE_INTEGER,
      signal: ac.signal,
    });
    await settle();
    await settle();
    // One poll, then a pause that a 1 ms timer would have ended long ago.
    expect(provisioning.calls).toHaveLength(1);
    ac.abort();
    await expect(wait).rejects.toBeInstanceOf(APIUserAbortError);
    await settle();
    expect(warnings.filter((w) => w.startsWith('TimeoutOverflowWarning'))).toEqual([]);
  });
});

describe('3. every id is checked, undefined included, before anything is sent', () => {
  it.each(['get', 'delete', 'start', 'stop', 'waitUntilReady'] as const)('%s(undefined)', async (method) => {
    const { client, calls } = clientWith(() => json(200, { success: true, message: DEPLOYMENT }));
    // As in `const { id } = await client.inference.create(...)`: the field is `inf_id`.
    const { id } = (await Promise.resolve({ inf_id: 'dep-1' })) as { id?: string };
    const call = client.inference[method] as (id: string | undefined) => Promise<unknown>;
    const err = await call.call(client.inference, id).catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ScaleGenError);
    expect((err as Error).message).toMatch(/^inference\.\w+: undefined is not a deployment id/);
    expect(calls).toEqual([]);
  });
});

describe('4. usage errors fail at once, and no secret appears anywhere in an error', () => {
  const TOKEN = 'sk-secret-token-0123456789';

  /** Node's own fetch, counted: it refuses an invalid header value with a TypeError that quotes it. */
  function counted() {
    let n = 0;
    const f = ((url: string, init: RequestInit) => {
      n++;
      return fetch(url, init);
    }) as typeof fetch;
    return { fetch: f, count: () => n };
  }

  it('a token with a line break: one ScaleGenError that says what is wrong, not retried, nothing sent', async () => {
    const { fetch, count } = counted();
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', token: `${TOKEN}\n`, fetch });
    const err = await client.inference.list().catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ScaleGenError);
    expect((err as Error).message).toBe(
      'inference.list: the bearer token from the token cannot be sent: it holds a line break, a NUL or a character outside Latin-1',
    );
    expect(count()).toBe(0);
    expect(inspect(err, { depth: Infinity })).not.toContain(TOKEN);
  });

  it("a token function's token with a line break: the same", async () => {
    const { fetch, count } = counted();
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', token: () => `${TOKEN}\r\nx: y`, fetch });
    const err = await client.inference.get('dep-1').catch((e: unknown) => e);
    expect((err as Error).constructor).toBe(ScaleGenError);
    expect((err as Error).message).toContain('the bearer token from the token provider cannot be sent');
    expect(count()).toBe(0);
    expect(inspect(err, { depth: Infinity })).not.toContain(TOKEN);
  });

  it('a header with an invalid name or value is refused where it is given, naming it', async () => {
    expect(() => createClient({ token: 'token-12345678', headers: { 'x-trace': 'a\nb' } })).toThrow(
      'createClient: header "x-trace" cannot be sent: it holds a line break, a NUL or a character outside Latin-1',
    );
    expect(() => createClient({ token: 'token-12345678', headers: { 'x trace': 'a' } })).toThrow(
      'createClient: "x trace" is not a header name',
    );
    const { client, calls } = clientWith(list);
    await expect(client.inference.list({ headers: { 'x-price': '10 €' } })).rejects.toThrow(
      'inference.list: header "x-price" cannot be sent',
    );
    expect(() => client.withOptions({ headers: { 'x-a': 'b\r' } })).toThrow('withOptions: header "x-a"');
    expect(calls).toEqual([]);
  });

  it('a fetch error that quotes the token: neither the message nor util.inspect (cause included) shows it', async () => {
    const client = createClient({
      baseUrl: 'http://api.test',
      token: TOKEN,
      maxRetries: 0,
      fetch: async (_url, init) => {
        const auth = (init.headers as Record<string, string>).authorization;
        throw new TypeError(`fetch failed: ${auth}`, {
          cause: Object.assign(new Error(`socket closed (${auth})`), { code: 'ECONNRESET' }),
        });
      },
    });
    const err = await client.inference.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    const shown = inspect(err, { depth: Infinity });
    expect(shown).not.toContain(TOKEN);
    expect(shown).toContain('ECONNRESET');
    expect(((err as Error).cause as Error).message).toBe('fetch failed: Bearer [***]');
  });
});

describe('6. a header whose value is undefined is ignored; only null removes', () => {
  it('per call and in withOptions', async () => {
    const { client, calls } = clientWith(list, { headers: { 'x-team': 'search', 'x-env': 'prod' } });
    await client.inference.list({ headers: { 'x-team': undefined, 'x-env': null } });
    await client.withOptions({ headers: { 'x-team': undefined } }).inference.list();
    expect(calls[0]?.headers['x-team']).toBe('search');
    expect(calls[0]?.headers).not.toHaveProperty('x-env');
    expect(calls[1]?.headers['x-team']).toBe('search');
  });
});

describe("7. the token endpoint's Retry-After is honoured as the API's is", () => {
  it('a 503 with Retry-After from the token endpoint waits for it (capped by maxRetryAfter)', async () => {
    const lines: string[] = [];
    let n = 0;
    const stub = stubFetch((c) =>
      c.url === TOKEN_URL
        ? n++ === 0
          ? json(503, { error: 'temporarily_unavailable' }, { 'retry-after': '3' })
          : json(200, { access_token: 'access-1', expires_in: 3600 })
        : list(),
    );
    const client = createClient({
      ...KEY_PAIR,
      fetch: stub.fetch,
      backoff: { initialDelay: 1, maxDelay: 2, maxRetryAfter: 40 },
      logger: { info: (m) => lines.push(m) },
      logLevel: 'info',
    });
    await expect(client.inference.list()).resolves.toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/HTTP 503.*; retry 1 of 2 in 40 ms$/)]);
  });
});

describe('8. redaction: the secrets the client knows and token-shaped strings, not ordinary text', () => {
  it.each([
    "Missing or invalid bearer token: send 'Authorization: Bearer <access_token>'.",
    'Invalid Bearer token: it has expired',
    'Bearer tokens are required; bearer authentication failed.',
  ])('leaves %j as it is', (text) => {
    expect(redact(text, [])).toBe(text);
  });

  it.each([
    ['Authorization: Bearer abc123def456ghi789', 'Authorization: Bearer [***]'],
    ['token Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_1', 'token Bearer [***]'],
    ['bad jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here', 'bad jwt [***] here'],
    ['hf token hf_abcdefghijklmnop', 'hf token hf_[***]'],
    ['known: my-key-secret-77', 'known: [***]'],
  ])('redacts %j', (text, expected) => {
    expect(redact(text, ['my-key-secret-77'])).toBe(expected);
  });

  it("the API's 401 message reaches the error as it was written", async () => {
    const message = "Missing or invalid bearer token: send 'Authorization: Bearer <access_token>'.";
    const { client } = clientWith(() => json(401, { success: false, message }));
    const err = await client.inference.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toBe(`inference.list failed with HTTP 401: ${message}`);
  });
});

describe('9. many calls on one AbortSignal', () => {
  it.each([60_000, 0])(
    'timeout %s: 12 concurrent calls add one listener in all, none left behind, no MaxListenersExceededWarning',
    async (timeout) => {
      const gate = deferred<void>();
      const { client, calls } = clientWith(
        (c) =>
          abortable(
            gate.promise.then(() => list()),
            c.signal,
          ),
        { timeout },
      );
      const shutdown = new AbortController();
      const all = Promise.all(
        Array.from({ length: 12 }, () => client.inference.list({ signal: shutdown.signal })),
      );
      while (calls.length < 12) await new Promise((r) => setTimeout(r, 1));
      expect(getEventListeners(shutdown.signal, 'abort').length).toBeLessThanOrEqual(1);
      gate.resolve();
      await expect(all).resolves.toHaveLength(12);
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
      await settle();
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    },
  );

  it('an abort still stops every one of them, and a retry pause too', async () => {
    const { client, calls } = clientWith((c, i) =>
      i < 6 ? abortable(deferred<Response>().promise, c.signal) : json(503, {}, { 'retry-after': '60' }),
    );
    const shutdown = new AbortController();
    const all = Array.from({ length: 12 }, () =>
      client.inference.list({ signal: shutdown.signal, timeout: 0 }).catch((e: unknown) => e),
    );
    while (calls.length < 12) await new Promise((r) => setTimeout(r, 1));
    shutdown.abort();
    for (const e of await Promise.all(all)) expect(e).toBeInstanceOf(APIUserAbortError);
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    await settle();
    expect(warnings).toEqual([]);
  });
});

describe('10. DeploymentFailedError says why, from metadata.failure_reason', () => {
  it('in its message and its failureReason', async () => {
    const failed = {
      ...DEPLOYMENT,
      status: 'FAILED',
      metadata: { failure_reason: 'CUDA out of memory on L4' },
    };
    const { client } = clientWith(() => json(200, { success: true, message: failed }));
    const err = await client.inference.waitUntilReady('dep-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentFailedError);
    expect((err as Error).message).toBe(
      'inference.waitUntilReady: deployment dep-1 is FAILED: CUDA out of memory on L4',
    );
    expect((err as DeploymentFailedError).failureReason).toBe('CUDA out of memory on L4');
  });
});

describe("14. a derived client's fetch and fetchOptions carry its token exchange", () => {
  it('withOptions({ fetch, fetchOptions }) is used for the exchange its call starts', async () => {
    const parent = stubFetch(() => json(500, {}));
    const derived = stubFetch((c) =>
      c.url === TOKEN_URL ? json(200, { access_token: 'access-1', expires_in: 3600 }) : list(),
    );
    const inits: RequestInit[] = [];
    const client = createClient({ ...KEY_PAIR, fetch: parent.fetch, logLevel: 'off' });
    const child = client.withOptions({
      fetch: (url, init) => {
        inits.push(init);
        return derived.fetch(url, init);
      },
      fetchOptions: { keepalive: true },
    });
    await expect(child.inference.list()).resolves.toEqual([]);
    expect(parent.calls).toEqual([]);
    expect(derived.calls.map((c) => c.url)).toEqual([TOKEN_URL, 'http://api.test/sg_inf/list']);
    expect(inits.map((i) => i.keepalive)).toEqual([true, true]);
  });
});

describe('User-Agent', () => {
  it('names the client, its version and the runtime; a header of the user replaces it', async () => {
    const { client, calls } = clientWith(list);
    await client.inference.list();
    await client.inference.list({ headers: { 'User-Agent': 'my-app/1.0' } });
    expect(calls.map((c) => c.headers['user-agent'])).toEqual([USER_AGENT, 'my-app/1.0']);
    expect(USER_AGENT).toMatch(/^sgi-client\/\d+\.\d+\.\d+\S* node\/20\./);
  });
});

describe('the request id of a successful call', () => {
  it('requestIdOf(result) gives it, and the result is the API data and nothing more', async () => {
    const { client } = clientWith((c) =>
      json(
        200,
        { success: true, message: c.url.endsWith('/list') ? [DEPLOYMENT] : DEPLOYMENT },
        { 'x-request-id': c.url.endsWith('/list') ? 'req_list' : 'req_get' },
      ),
    );
    const one = await client.inference.get('dep-1');
    const all = await client.inference.list();
    expect(requestIdOf(one)).toBe('req_get');
    expect(requestIdOf(all)).toBe('req_list');
    expect(one).toStrictEqual(DEPLOYMENT);
    expect(Object.getOwnPropertyNames(one)).toEqual(Object.keys(DEPLOYMENT));
    expect(Object.getOwnPropertySymbols(one)).toEqual([]);
    expect(JSON.stringify(all)).toBe(JSON.stringify([DEPLOYMENT]));
    expect(requestIdOf({ ...one })).toBeUndefined();
    expect(requestIdOf('Stopping.')).toBeUndefined();
  });
});
