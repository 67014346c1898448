import { describe, expect, it } from 'vitest';
import { createClient, type HeadersInput } from '../src/index.js';
import { json, stubFetch, USER_AGENT } from './support/stub-fetch.js';

// Header names merge case-insensitively; the later layer wins: the client's own headers
// (authorization, content-type, x-retry-count) < the client's `headers` < the call's `headers`.
const ok = () => json(200, { success: true, message: { inf_id: 'dep-1' } });
const body = {
  name: 'n',
  model: 'm',
  controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
} as const;

function setup(headers?: HeadersInput) {
  const stub = stubFetch(ok);
  const client = createClient({
    baseUrl: 'http://api.test',
    token: 'token-12345678',
    fetch: stub.fetch,
    headers,
  });
  return { client, calls: stub.calls };
}

describe('headers', () => {
  it('a per-call header replaces the client header of the same name, whatever its case', async () => {
    const { client, calls } = setup({ 'X-Team': 'a', 'x-env': 'prod' });
    await client.inference.create(body, { headers: { 'x-team': 'b' } });
    expect(calls[0]?.headers['x-team']).toBe('b');
    expect(calls[0]?.headers['x-env']).toBe('prod');
  });

  it("a user's Authorization or Content-Type replaces the client's own, not joined with it", async () => {
    const { client, calls } = setup({ 'Content-Type': 'application/json; charset=utf-8' });
    await client.inference.create(body, { headers: { Authorization: 'Bearer other-token-1' } });
    expect(calls[0]?.headers.authorization).toBe('Bearer other-token-1');
    expect(calls[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('null removes a header set by an earlier layer', async () => {
    const { client, calls } = setup({ 'x-env': 'prod', 'x-team': 'a' });
    await client.inference.create(body, { headers: { 'X-Env': null } });
    expect(calls[0]?.headers).toEqual({
      authorization: 'Bearer token-12345678',
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'x-team': 'a',
    });
  });

  it('accepts Headers, [name, value] pairs and records', async () => {
    const { client, calls } = setup(new Headers({ 'X-A': '1', 'x-b': '2' }));
    await client.inference.create(body, {
      headers: [
        ['x-a', '3'],
        ['X-C', '4'],
      ],
    });
    expect(calls[0]?.headers).toMatchObject({ 'x-a': '3', 'x-b': '2', 'x-c': '4' });
    const pairs = setup([['X-Team', 'a']]);
    await pairs.client.inference.list({ headers: new Headers({ 'x-team': 'b' }) });
    expect(pairs.calls[0]?.headers['x-team']).toBe('b');
  });
});
