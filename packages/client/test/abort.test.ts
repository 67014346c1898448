import { describe, expect, it } from 'vitest';
import { APIUserAbortError, createClient, type InferenceDeploymentCreate } from '../src/index.js';
import { abortable, deferred, json, KEY_PAIR, stubFetch, TOKEN_URL } from './support/stub-fetch.js';

// An abort at any moment before a request is sent rejects the call with APIUserAbortError and
// sends nothing: a cancelled create must never start paid GPUs.
const body: InferenceDeploymentCreate = {
  name: 'n',
  model: 'm',
  controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
};
const created = () => json(200, { success: true, message: { inf_id: 'dep-1' } });

describe.each([
  ['with a per-attempt timeout', 60_000],
  ['without a timeout', 0],
])('abort while the token is being fetched, %s', (_name, timeout) => {
  it('a token provider: the create rejects and is never sent', async () => {
    const token = deferred<string>();
    const { fetch, calls } = stubFetch(created);
    const client = createClient({ baseUrl: 'http://api.test', token: () => token.promise, fetch, timeout });
    const ac = new AbortController();
    const call = client.inference.create(body, { signal: ac.signal }).catch((e: unknown) => e);
    await Promise.resolve();
    ac.abort();
    token.resolve('token-12345678');
    expect(await call).toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(0);
  });

  it('a token provider that never answers: the call still rejects', async () => {
    const { fetch, calls } = stubFetch(created);
    const client = createClient({
      baseUrl: 'http://api.test',
      token: () => new Promise<string>(() => {}),
      fetch,
      timeout,
    });
    const ac = new AbortController();
    const call = client.inference.create(body, { signal: ac.signal });
    ac.abort();
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(calls).toHaveLength(0);
  });

  it('a key pair: the exchange is cancelled and the create is never sent', async () => {
    const exchange = deferred<Response>();
    const { fetch, calls } = stubFetch((call) =>
      call.url === TOKEN_URL ? abortable(exchange.promise, call.signal) : created(),
    );
    const client = createClient({
      ...KEY_PAIR,
      fetch,
      timeout,
    });
    const ac = new AbortController();
    const call = client.inference.create(body, { signal: ac.signal }).catch((e: unknown) => e);
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    exchange.resolve(json(200, { access_token: 'access-1', expires_in: 3600 }));
    expect(await call).toBeInstanceOf(APIUserAbortError);
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL]);
  });
});

describe('an abort at the moment the token exchange starts', () => {
  it('rejects the call and leaves no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const ac = new AbortController();
      const { fetch, calls } = stubFetch((call) => {
        // The caller aborts while the exchange is being sent; the exchange then fails on its own.
        if (call.url === TOKEN_URL) ac.abort();
        return Promise.reject(new TypeError('fetch failed'));
      });
      const client = createClient({
        ...KEY_PAIR,
        fetch,
      });
      const error = await client.inference.create(body, { signal: ac.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIUserAbortError);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
      expect(calls.map((c) => c.url)).toEqual([TOKEN_URL]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
