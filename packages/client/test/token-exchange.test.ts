import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  type ClientBaseOptions,
  createClient,
  InternalServerError,
  ScaleGenError,
} from '../src/index.js';
import {
  abortable,
  deferred,
  json,
  KEY_PAIR,
  type StubCall,
  stubFetch,
  TOKEN_URL,
} from './support/stub-fetch.js';

// The token exchange of a key pair is a read: it follows the call's retry policy, timeout and
// signal, and its errors name the token endpoint. A refresh after a 401 is single-flight.
const list = () => json(200, { success: true, message: [] });
const issued = (n: number) => json(200, { access_token: `access-${n}`, expires_in: 3600 });

function keyPair(
  handler: (call: StubCall, index: number) => Response | Promise<Response>,
  extra: ClientBaseOptions = {},
) {
  const stub = stubFetch(handler);
  const client = createClient({
    ...KEY_PAIR,
    fetch: stub.fetch,
    backoff: { initialDelay: 1, maxDelay: 2 },
    logLevel: 'off',
    ...extra,
  });
  const exchanges = () => stub.calls.filter((c) => c.url === TOKEN_URL).length;
  return { client, calls: stub.calls, exchanges };
}

describe('the token exchange follows the retry policy of reads', () => {
  const failures: [string, () => Response | Promise<never>][] = [
    ['503', () => json(503, { error: 'temporarily_unavailable' })],
    ['502', () => new Response('<html><title>502 Bad Gateway</title></html>', { status: 502 })],
    [
      'a reset connection',
      () => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })),
    ],
  ];

  it.each(failures)('a one-off %s from the token endpoint is retried', async (_name, fail) => {
    let n = 0;
    const { client, calls } = keyPair((c) =>
      c.url === TOKEN_URL ? (n++ === 0 ? fail() : issued(n)) : list(),
    );
    await expect(client.inference.list({ maxRetries: 2 })).resolves.toEqual([]);
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, TOKEN_URL, 'http://api.test/sg_inf/list']);
    expect(calls[2]?.headers.authorization).toBe('Bearer access-2');
  });

  it('a create is sent once the exchange succeeds on a retry', async () => {
    let n = 0;
    const { client, calls } = keyPair((c) =>
      c.url === TOKEN_URL
        ? n++ === 0
          ? json(503, {})
          : issued(n)
        : json(200, { success: true, message: { inf_id: 'dep-1' } }),
    );
    const body = {
      name: 'n',
      model: 'm',
      controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
    } as const;
    await expect(client.inference.create(body)).resolves.toEqual({ inf_id: 'dep-1' });
    expect(calls.filter((c) => c.url.endsWith('/create'))).toHaveLength(1);
  });

  it('when the retries are spent, the error names the token endpoint', async () => {
    const { client, calls, exchanges } = keyPair((c) => (c.url === TOKEN_URL ? json(503, {}) : list()));
    const err = await client.inference.list({ maxRetries: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as Error).message).toContain(`token exchange at ${TOKEN_URL} failed with HTTP 503`);
    expect(exchanges()).toBe(2);
    expect(calls.every((c) => c.url === TOKEN_URL)).toBe(true);
  });

  it("a hanging exchange is bounded by the call's timeout", async () => {
    const { client, calls } = keyPair((c) =>
      c.url === TOKEN_URL ? abortable(new Promise<Response>(() => {}), c.signal) : list(),
    );
    const err = await client.inference.list({ timeout: 20, maxRetries: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as Error).message).toContain(TOKEN_URL);
    expect(calls.every((c) => c.url === TOKEN_URL)).toBe(true);
  });

  it("the exchange stops at the call's abort, and nothing else is sent", async () => {
    const exchange = deferred<Response>();
    const { client, calls } = keyPair((c) =>
      c.url === TOKEN_URL ? abortable(exchange.promise, c.signal) : list(),
    );
    const ac = new AbortController();
    const call = client.inference.list({ signal: ac.signal }).catch((e: unknown) => e);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    exchange.resolve(issued(1));
    expect(await call).toBeInstanceOf(APIUserAbortError);
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL]);
  });
});

describe("a key-pair client's first calls", () => {
  it('a call aborted at once sends nothing to the API; the next call makes its own exchange', async () => {
    const { client, calls } = keyPair((c) =>
      c.url === TOKEN_URL ? abortable(deferred<Response>().promise, c.signal) : list(),
    );
    const ac = new AbortController();
    const call = client.inference.list({ signal: ac.signal });
    ac.abort();
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(calls.every((c) => c.url === TOKEN_URL && c.signal?.aborted)).toBe(true);
  });

  it('concurrent first calls share one exchange; a cached token is then used as it is', async () => {
    const { client, calls, exchanges } = keyPair((c) => (c.url === TOKEN_URL ? issued(1) : list()));
    await Promise.all([client.inference.list(), client.inference.list(), client.inference.list()]);
    await client.inference.list();
    expect(exchanges()).toBe(1);
    expect(calls.filter((c) => c.headers.authorization === 'Bearer access-1')).toHaveLength(4);
  });

  it("its errors are the package's classes, with their messages", async () => {
    const { client } = keyPair(() =>
      json(401, { error: 'access_denied', error_description: 'Unauthorized' }),
    );
    const err = await client.inference.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toBeInstanceOf(ScaleGenError);
    expect((err as Error).message).toBe(`token exchange at ${TOKEN_URL} failed with HTTP 401: Unauthorized`);
    const down = keyPair(() =>
      Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })),
    );
    const refused = await down.client.inference.list({ maxRetries: 0 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(APIConnectionError);
    expect((refused as Error).message).toBe(
      `token exchange at ${TOKEN_URL} failed: no response (ECONNREFUSED)`,
    );
  });
});

describe('timeouts of a key-pair client', () => {
  it.each([Infinity, 0])('timeout %s means no limit, for the exchange too', async (timeout) => {
    const { client, calls } = keyPair((c) => (c.url === TOKEN_URL ? issued(1) : list()), { timeout });
    await expect(client.inference.list()).resolves.toEqual([]);
    await expect(client.inference.list({ timeout })).resolves.toEqual([]);
    expect(calls.map((c) => c.url)).toEqual([
      TOKEN_URL,
      'http://api.test/sg_inf/list',
      'http://api.test/sg_inf/list',
    ]);
  });
});

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(done()).toBe(true);
}

describe('token refresh after a 401 is single-flight, keyed by the rejected token', () => {
  it('five concurrent calls whose 401s come back one by one make one exchange', async () => {
    const held: ReturnType<typeof deferred<Response>>[] = [];
    let n = 0;
    const { client, calls, exchanges } = keyPair((c) => {
      if (c.url === TOKEN_URL) return issued(++n);
      if (c.headers.authorization !== 'Bearer access-1') return list();
      const d = deferred<Response>();
      held.push(d);
      return d.promise;
    });
    const all = Promise.all(Array.from({ length: 5 }, () => client.inference.list()));
    await until(() => held.length === 5);
    for (const [i, d] of held.entries()) {
      d.resolve(json(401, { success: false, message: 'Token revoked.' }));
      await until(
        () =>
          calls.filter((c) => c.url !== TOKEN_URL && c.headers.authorization !== 'Bearer access-1').length ===
          i + 1,
      );
    }
    await expect(all).resolves.toEqual([[], [], [], [], []]);
    expect(exchanges()).toBe(2);
  });

  it('a token provider is asked to refresh once for N concurrent 401s of one token', async () => {
    let current = 'token-0000001';
    const refreshes: boolean[] = [];
    const held: ReturnType<typeof deferred<Response>>[] = [];
    const stub = stubFetch((c) => {
      if (c.headers.authorization !== 'Bearer token-0000001') return list();
      const d = deferred<Response>();
      held.push(d);
      return d.promise;
    });
    const client = createClient({
      baseUrl: 'http://api.test',
      fetch: stub.fetch,
      logLevel: 'off',
      token: ({ refresh }) => {
        if (refresh) {
          refreshes.push(refresh);
          current = `token-${String(refreshes.length + 1).padStart(7, '0')}`;
        }
        return current;
      },
    });
    const all = Promise.all(Array.from({ length: 4 }, () => client.inference.list()));
    await until(() => held.length === 4);
    for (const [i, d] of held.entries()) {
      d.resolve(json(401, { success: false, message: 'Token revoked.' }));
      await until(
        () => stub.calls.filter((c) => c.headers.authorization !== 'Bearer token-0000001').length === i + 1,
      );
    }
    await expect(all).resolves.toHaveLength(4);
    expect(refreshes).toHaveLength(1);
  });
});
