import { describe, expect, it } from 'vitest';
import { createClient, type Fetch, InternalServerError } from '../src/index.js';
import { json, KEY_PAIR, stubFetch, TOKEN_URL } from './support/stub-fetch.js';

// Client settings: derived clients (`withOptions`), extra `fetch` settings, and how `fetch` is called.
const list = () => json(200, { success: true, message: [] });

function keyPairClient(handler: Parameters<typeof stubFetch>[0] = () => list()) {
  let issued = 0;
  const stub = stubFetch((call, i) =>
    call.url === TOKEN_URL
      ? json(200, { access_token: `access-${++issued}`, expires_in: 3600 })
      : handler(call, i),
  );
  const client = createClient({
    ...KEY_PAIR,
    fetch: stub.fetch,
    headers: { 'x-team': 'search', 'x-env': 'prod' },
    backoff: { initialDelay: 1, maxDelay: 2 },
    logLevel: 'off',
  });
  const exchanges = () => stub.calls.filter((c) => c.url === TOKEN_URL);
  const apiCalls = () => stub.calls.filter((c) => c.url !== TOKEN_URL);
  return { client, calls: stub.calls, exchanges, apiCalls };
}

describe('withOptions', () => {
  it('a derived client shares the token cache: one exchange for both clients', async () => {
    const { client, exchanges, apiCalls } = keyPairClient();
    await client.inference.list();
    const derived = client.withOptions({ timeout: 5000, maxRetries: 0 });
    await derived.inference.list();
    await client.withOptions({ headers: { 'x-a': '1' } }).inference.list();
    expect(exchanges()).toHaveLength(1);
    expect(apiCalls().map((c) => c.headers.authorization)).toEqual([
      'Bearer access-1',
      'Bearer access-1',
      'Bearer access-1',
    ]);
  });

  it('a token refreshed after a 401 on a derived client is the one the parent uses next', async () => {
    const { client, exchanges, apiCalls } = keyPairClient((call) =>
      call.headers.authorization === 'Bearer access-1'
        ? json(401, { success: false, message: 'Token revoked.' })
        : list(),
    );
    const derived = client.withOptions({ maxRetries: 0 });
    await expect(derived.inference.list()).resolves.toEqual([]);
    await expect(client.inference.list()).resolves.toEqual([]);
    expect(exchanges()).toHaveLength(2);
    expect(apiCalls().map((c) => c.headers.authorization)).toEqual([
      'Bearer access-1',
      'Bearer access-2',
      'Bearer access-2',
    ]);
  });

  it('changes only the settings given; the parent keeps its own', async () => {
    const { client, apiCalls } = keyPairClient(() => json(500, { success: false, message: 'Boom.' }));
    const once = client.withOptions({ maxRetries: 1 });
    await expect(once.inference.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(apiCalls()).toHaveLength(2);
    // A setting given as undefined keeps the value of the client it derives from (1, not the default 2).
    await expect(once.withOptions({ maxRetries: undefined }).inference.list()).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(apiCalls()).toHaveLength(2 + 2);
    await expect(client.inference.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(apiCalls()).toHaveLength(4 + 3);
  });

  it("adds its headers to the parent's; a call's headers still win, and null removes one", async () => {
    const { client, apiCalls } = keyPairClient();
    const derived = client.withOptions({ headers: { 'X-Team': 'ads', 'x-env': null, 'x-trace': 't1' } });
    await derived.inference.list({ headers: { 'x-trace': 't2' } });
    await client.inference.list();
    const [fromDerived, fromParent] = apiCalls();
    expect(fromDerived?.headers).toMatchObject({ 'x-team': 'ads', 'x-trace': 't2' });
    expect(fromDerived?.headers).not.toHaveProperty('x-env');
    expect(fromParent?.headers).toMatchObject({ 'x-team': 'search', 'x-env': 'prod' });
    expect(fromParent?.headers).not.toHaveProperty('x-trace');
  });

  it('a derived client can point elsewhere, with the same credentials', async () => {
    const { client, apiCalls, exchanges } = keyPairClient();
    const staging = client.withOptions({ baseUrl: 'http://staging.test/' });
    expect(staging.baseUrl).toBe('http://staging.test');
    await staging.inference.list();
    expect(apiCalls()[0]?.url).toBe('http://staging.test/sg_inf/list');
    expect(apiCalls()[0]?.headers.authorization).toBe('Bearer access-1');
    expect(exchanges()).toHaveLength(1);
  });
});

describe('fetchOptions', () => {
  // Stands in for undici's proxy `dispatcher`: an object the client must hand over as it is.
  const dispatcher = { dispatch: () => true };

  function recording() {
    const inits: { url: string; init: RequestInit & Record<string, unknown> }[] = [];
    const fetch: Fetch = async (url, init) => {
      inits.push({ url, init: init as RequestInit & Record<string, unknown> });
      return url === TOKEN_URL ? json(200, { access_token: 'access-1', expires_in: 3600 }) : list();
    };
    return { fetch, inits };
  }

  it("the client's fetchOptions reach every request, the token exchange included", async () => {
    const { fetch, inits } = recording();
    const client = createClient({
      ...KEY_PAIR,
      fetch,
      fetchOptions: { keepalive: true, dispatcher },
    });
    await client.inference.list();
    expect(inits.map((i) => i.url)).toEqual([TOKEN_URL, 'http://api.test/sg_inf/list']);
    for (const { init } of inits) {
      expect(init.keepalive).toBe(true);
      expect(init.dispatcher).toBe(dispatcher);
    }
  });

  it("a call's fetchOptions are merged over the client's, for that call only", async () => {
    const { fetch, inits } = recording();
    const client = createClient({
      baseUrl: 'http://api.test',
      token: 'token-12345678',
      fetch,
      fetchOptions: { keepalive: true, cache: 'no-store' },
    });
    await client.inference.list({ fetchOptions: { keepalive: false, dispatcher } });
    await client.inference.get('dep-1');
    expect(inits[0]?.init).toMatchObject({ keepalive: false, cache: 'no-store', dispatcher });
    expect(inits[1]?.init).toMatchObject({ keepalive: true, cache: 'no-store' });
    expect(inits[1]?.init).not.toHaveProperty('dispatcher');
  });

  it('cannot replace the method, headers, body or signal the client sets', async () => {
    const { fetch, inits } = recording();
    const client = createClient({ baseUrl: 'http://api.test', token: 'token-12345678', fetch });
    const ac = new AbortController();
    const sneaky = { method: 'PUT', headers: { authorization: 'x' }, body: 'x', signal: null };
    await client.inference.create(
      { name: 'n', model: 'm', controller_cloud_config: { cloud_provider: 'AWS', region: 'US' } },
      { fetchOptions: sneaky as never, signal: ac.signal, timeout: 0 },
    );
    const init = inits[0]?.init;
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ authorization: 'Bearer token-12345678' });
    expect(JSON.parse(String(init?.body))).toMatchObject({ name: 'n' });
    // The call's own signal (it follows the caller's), not the `null` of fetchOptions.
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('also apply to client.fetch (and so to rawClient)', async () => {
    const { fetch, inits } = recording();
    const client = createClient({
      baseUrl: 'http://api.test',
      token: 'token-12345678',
      fetch,
      fetchOptions: { keepalive: true },
    });
    await client.fetch(new Request('http://api.test/sg_inf/list'));
    expect(inits[0]?.init.keepalive).toBe(true);
  });
});

describe('fetch', () => {
  it('is called as fetch(url, init): a string URL and a plain init object, never a Request', async () => {
    const seen: unknown[][] = [];
    const client = createClient({
      baseUrl: 'http://api.test',
      token: 'token-12345678',
      fetch: async (...args: [string, RequestInit]) => {
        seen.push(args);
        return list();
      },
    });
    await client.inference.list();
    expect(seen).toHaveLength(1);
    const [url, init] = seen[0] as [unknown, unknown];
    expect(url).toBe('http://api.test/sg_inf/list');
    expect(Object.getPrototypeOf(init)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((init as RequestInit).headers)).toBe(Object.prototype);
  });
});
