import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, KEY_PAIR, stubFetch, TOKEN_URL } from './support/stub-fetch.js';

// Code loaded on demand: the key pair's token exchange, on the first call that needs a token, and
// waitUntilReady, on its first use (each a chunk that a browser fetches). When it cannot be loaded,
// the call fails as a connection error that says so, and a later attempt loads it again.
const EXCHANGE = '../src/core/token-exchange.js';
const WAIT = '../src/resources/wait.js';

afterEach(() => {
  vi.doUnmock(EXCHANGE);
  vi.doUnmock(WAIT);
  vi.resetModules();
});

/** Makes the first load of `path` fail as a browser's failed chunk fetch does; later loads work. */
function failFirstLoad(path: string): () => number {
  let loads = 0;
  vi.doMock(path, async (importOriginal) => {
    if (++loads === 1) throw new TypeError('Failed to fetch dynamically imported module');
    return importOriginal();
  });
  return () => loads;
}

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
  it('rejects with an APIConnectionError that names what could not be loaded and why; nothing is sent', async () => {
    vi.resetModules();
    vi.doMock(EXCHANGE, () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
    const { client, calls, errors } = await keyPairClient(0);
    const err = await client.inference.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.APIConnectionError);
    // (vitest reports the failed module with a message of its own.)
    expect((err as Error).message).toMatch(
      /^the token exchange failed: its code could not be loaded \(.+\)$/,
    );
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(calls).toEqual([]);
  });

  it('loads it again on the next attempt (here, the retry)', async () => {
    vi.resetModules();
    const loads = failFirstLoad(EXCHANGE);
    const { client, calls } = await keyPairClient(1);
    await expect(client.inference.list()).resolves.toEqual([]);
    expect(loads()).toBe(2);
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, 'http://api.test/sg_inf/list']);
  });
});

describe('waitUntilReady whose code cannot be loaded', () => {
  async function bearerClient(status = 'ACTIVE') {
    const sgi = await import('../src/index.js');
    const stub = stubFetch(() => json(200, { success: true, message: { id: 'dep-1', status } }));
    const client = sgi.createClient({
      baseUrl: 'http://api.test',
      token: 'token-1',
      fetch: stub.fetch,
      logLevel: 'off',
    });
    return { client, calls: stub.calls, errors: sgi };
  }

  it('rejects with an APIConnectionError that names it and the cause, and loads it again on the next call', async () => {
    vi.resetModules();
    const loads = failFirstLoad(WAIT);
    const { client, calls, errors } = await bearerClient();
    const err = await client.inference.waitUntilReady('dep-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.APIConnectionError);
    expect((err as Error).message).toMatch(
      /^inference\.waitUntilReady failed: its code could not be loaded \(.+\)$/,
    );
    expect((err as Error).cause).toBeInstanceOf(Error);
    expect(calls).toEqual([]);
    await expect(client.inference.waitUntilReady('dep-1')).resolves.toMatchObject({ status: 'ACTIVE' });
    expect(loads()).toBe(2);
    expect(calls).toHaveLength(1);
  });

  it('its errors are the classes the package exports', async () => {
    vi.resetModules();
    const { client, errors } = await bearerClient('FAILED');
    await expect(client.inference.waitUntilReady('dep-1')).rejects.toBeInstanceOf(
      errors.DeploymentFailedError,
    );
  });
});
