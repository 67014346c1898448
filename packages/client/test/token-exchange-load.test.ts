import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, KEY_PAIR, stubFetch, TOKEN_URL } from './support/stub-fetch.js';

// The key pair's token exchange is a module of its own, loaded on the first call that needs a token
// (a chunk that a browser fetches). When it cannot be loaded, the call fails as a connection error
// that says so, retried like one: a later attempt loads it again.
const EXCHANGE = '../src/core/token-exchange.js';

afterEach(() => {
  vi.doUnmock(EXCHANGE);
  vi.resetModules();
});

async function keyPairClient(maxRetries: number) {
  const { createClient } = await import('../src/index.js');
  const errors = await import('../src/core/errors.js');
  const stub = stubFetch((c) =>
    c.url === TOKEN_URL
      ? json(200, { access_token: 'access-1', expires_in: 3600 })
      : json(200, { success: true, message: [] }),
  );
  const client = createClient({
    ...KEY_PAIR,
    fetch: stub.fetch,
    maxRetries,
    backoff: { initialDelay: 1, maxDelay: 2 },
    logLevel: 'off',
  });
  return { client, calls: stub.calls, errors };
}

describe("a key pair whose exchange's code cannot be loaded", () => {
  it('rejects with an APIConnectionError that names the token endpoint and the cause; nothing is sent', async () => {
    vi.resetModules();
    vi.doMock(EXCHANGE, () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
    const { client, calls, errors } = await keyPairClient(0);
    const err = await client.inference.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.APIConnectionError);
    // (vitest reports the failed module with a message of its own.)
    expect((err as Error).message).toMatch(
      new RegExp(`^token exchange at ${TOKEN_URL} failed: its code could not be loaded \\(.+\\)$`),
    );
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(calls).toEqual([]);
  });

  it('loads it again on the next attempt (here, the retry)', async () => {
    vi.resetModules();
    let loads = 0;
    vi.doMock(EXCHANGE, async (importOriginal) => {
      if (++loads === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return importOriginal();
    });
    const { client, calls } = await keyPairClient(1);
    await expect(client.inference.list()).resolves.toEqual([]);
    expect(loads).toBe(2);
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, 'http://api.test/sg_inf/list']);
  });
});
