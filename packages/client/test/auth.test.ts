import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, createClient, DEFAULT_BASE_URL, ScaleGenError } from '../src/index.js';
import { json, stubFetch, TOKEN_URL, USER_AGENT } from './support/stub-fetch.js';

const ok = json(200, { success: true, message: [] });

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('bearer token', () => {
  it('a static token goes in the Authorization header of every request', async () => {
    const { fetch, calls } = stubFetch(() => ok.clone());
    const client = createClient({ baseUrl: 'http://api.test/', token: 'tok-static-123', fetch });
    await client.inference.list();
    expect(calls[0]?.url).toBe('http://api.test/sg_inf/list');
    expect(calls[0]?.headers).toEqual({ authorization: 'Bearer tok-static-123', 'user-agent': USER_AGENT });
  });

  it('a token provider is asked before each request, and with refresh: true once after a 401', async () => {
    const asked: boolean[] = [];
    const { fetch, calls } = stubFetch((_c, i) =>
      i === 0 ? json(401, { success: false, message: 'expired' }) : ok.clone(),
    );
    const client = createClient({
      baseUrl: 'http://api.test',
      token: ({ refresh }) => {
        asked.push(refresh);
        return refresh ? 'fresh-token-2' : 'stale-token-1';
      },
      fetch,
      logLevel: 'off',
    });
    await client.inference.list();
    expect(asked).toEqual([false, true]);
    expect(calls.map((c) => c.headers.authorization)).toEqual([
      'Bearer stale-token-1',
      'Bearer fresh-token-2',
    ]);
  });

  it('a second 401 is an AuthenticationError: one refresh per call', async () => {
    const { fetch, calls } = stubFetch(() => json(401, { success: false, message: 'No.' }));
    const client = createClient({
      baseUrl: 'http://api.test',
      token: () => 'some-token',
      fetch,
      logLevel: 'off',
    });
    await expect(client.inference.create({} as never)).rejects.toBeInstanceOf(AuthenticationError);
    expect(calls.length).toBe(2);
  });

  it('a static token is not retried on 401', async () => {
    const { fetch, calls } = stubFetch(() => json(401, { success: false, message: 'No.' }));
    const client = createClient({ baseUrl: 'http://api.test', token: 'static-token', fetch });
    await expect(client.inference.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(calls.length).toBe(1);
  });
});

describe('client credentials', () => {
  function setup(expiresIn = 3600) {
    let issued = 0;
    const stub = stubFetch((call) =>
      call.url === TOKEN_URL
        ? json(200, { access_token: `access-${++issued}`, expires_in: expiresIn })
        : ok.clone(),
    );
    const client = createClient({
      baseUrl: 'http://api.test',
      keyId: 'key-id-1',
      keySecret: 'key-secret-1',
      tokenUrl: TOKEN_URL,
      fetch: stub.fetch,
      logLevel: 'off',
    });
    return { client, calls: stub.calls };
  }

  it('exchanges the keys once, with the spec form fields, and shares one exchange between concurrent calls', async () => {
    const { client, calls } = setup();
    await Promise.all([client.inference.list(), client.inference.list(), client.inference.list()]);
    await client.inference.list();
    const exchanges = calls.filter((c) => c.url === TOKEN_URL);
    expect(exchanges.length).toBe(1);
    expect(exchanges[0]?.method).toBe('POST');
    expect(exchanges[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(exchanges[0]?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'key-id-1',
      client_secret: 'key-secret-1',
      audience: 'api.scaletorch.ai',
    });
    expect(
      calls.filter((c) => c.url !== TOKEN_URL).every((c) => c.headers.authorization === 'Bearer access-1'),
    ).toBe(true);
  });

  it('exchanges again when the token has expired', async () => {
    const { client, calls } = setup(0);
    await client.inference.list();
    await client.inference.list();
    expect(calls.filter((c) => c.url === TOKEN_URL).length).toBe(2);
  });

  it('refreshes the token once on a 401 and retries, even a create (nothing was processed)', async () => {
    let issued = 0;
    const { fetch, calls } = stubFetch((call) =>
      call.url === TOKEN_URL
        ? json(200, { access_token: `access-${++issued}`, expires_in: 3600 })
        : call.headers.authorization === 'Bearer access-2'
          ? json(200, { success: true, message: { inf_id: 'new-1' } })
          : json(401, { success: false, message: 'Token revoked.' }),
    );
    const client = createClient({
      baseUrl: 'http://api.test',
      keyId: 'k',
      keySecret: 'secret-value-1',
      tokenUrl: TOKEN_URL,
      fetch,
      logLevel: 'off',
    });
    const created = await client.inference.create({
      name: 'n',
      model: 'm',
      controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
    });
    expect(created).toEqual({ inf_id: 'new-1' });
    expect(calls.map((c) => (c.url === TOKEN_URL ? 'exchange' : c.headers.authorization))).toEqual([
      'exchange',
      'Bearer access-1',
      'exchange',
      'Bearer access-2',
    ]);
  });
});

describe('environment and defaults', () => {
  it('reads the token, base URL and log level from SCALEGEN_* variables', async () => {
    vi.stubEnv('SCALEGEN_ACCESS_TOKEN', 'env-token-1');
    vi.stubEnv('SCALEGEN_BASE_URL', 'http://env.test');
    const { fetch, calls } = stubFetch(() => ok.clone());
    await createClient({ fetch }).inference.list();
    expect(calls[0]?.url).toBe('http://env.test/sg_inf/list');
    expect(calls[0]?.headers.authorization).toBe('Bearer env-token-1');
  });

  it('explicit options win over the environment', async () => {
    vi.stubEnv('SCALEGEN_ACCESS_TOKEN', 'env-token-1');
    vi.stubEnv('SCALEGEN_ACCESS_KEY_ID', 'env-key');
    vi.stubEnv('SCALEGEN_ACCESS_KEY_SECRET', 'env-secret');
    vi.stubEnv('SCALEGEN_BASE_URL', 'http://env.test');
    const { fetch, calls } = stubFetch(() => ok.clone());
    await createClient({ fetch, token: 'explicit-token', baseUrl: 'http://explicit.test' }).inference.list();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://explicit.test/sg_inf/list');
    expect(calls[0]?.headers.authorization).toBe('Bearer explicit-token');
  });

  it('uses the key pair from the environment when there is no token', async () => {
    vi.stubEnv('SCALEGEN_ACCESS_TOKEN', undefined);
    vi.stubEnv('SCALEGEN_ACCESS_KEY_ID', 'env-key');
    vi.stubEnv('SCALEGEN_ACCESS_KEY_SECRET', 'env-secret-123');
    const { fetch, calls } = stubFetch((c) =>
      c.url === TOKEN_URL ? json(200, { access_token: 'from-keys', expires_in: 60 }) : ok.clone(),
    );
    await createClient({ fetch, tokenUrl: TOKEN_URL, baseUrl: 'http://api.test' }).inference.list();
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, 'http://api.test/sg_inf/list']);
    expect(calls[1]?.headers.authorization).toBe('Bearer from-keys');
  });

  it('without credentials, createClient says how to give them', () => {
    vi.stubEnv('SCALEGEN_ACCESS_TOKEN', undefined);
    vi.stubEnv('SCALEGEN_ACCESS_KEY_ID', undefined);
    vi.stubEnv('SCALEGEN_ACCESS_KEY_SECRET', undefined);
    expect(() => createClient()).toThrow(ScaleGenError);
    expect(() => createClient()).toThrow(/SCALEGEN_ACCESS_TOKEN/);
  });

  it('defaults to the production server of the spec', async () => {
    vi.stubEnv('SCALEGEN_BASE_URL', undefined);
    const { fetch, calls } = stubFetch(() => ok.clone());
    await createClient({ token: 'tok-123456', fetch }).inference.list();
    expect(calls[0]?.url).toBe(`${DEFAULT_BASE_URL}/sg_inf/list`);
  });
});
