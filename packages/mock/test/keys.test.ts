import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { keysCommand } from '../src/keys-command.js';
import { client, expectDocumented } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const ADMIN = 'admin-token-for-the-keys-tests';
let mock: MockServer;
let call: ReturnType<typeof client>;
const keys = (...args: string[]) =>
  keysCommand([...args, '--url', mock.url], { SGI_MOCK_ADMIN_TOKEN: ADMIN });

/** Issues a key through the CLI command and returns its secret. */
async function issue(name: string): Promise<string> {
  const result = await keys('create', name);
  expect(result.code, result.err).toBe(0);
  return result.out.trim().split('\n').at(-1) as string;
}

beforeAll(async () => {
  mock = await startSandbox({ auth: 'keys', adminToken: ADMIN });
  call = client(mock.url);
}, 120_000);
afterAll(() => mock.close());

describe('--auth keys: only operator-issued sandbox keys', () => {
  it('refuses any other bearer token with 401, even for reads', async () => {
    for (const [method, path] of [
      ['GET', '/sg_inf/list'],
      ['POST', '/sg_inf/create'],
      ['GET', '/sg_inf/abc'],
    ] as const) {
      const answer = await call(method, path, {
        token: 'my-test-token',
        body: method === 'POST' ? seedBody : undefined,
      });
      expect(answer.status, `${method} ${path}`).toBe(401);
      expectDocumented(method, path, answer);
      expect(answer.body.message).toContain('not valid');
    }
    expect((await call('GET', '/sg_inf/list', { token: null })).status).toBe(401);
  });

  it('issues a random key shown once; the key works, is one tenant named after the partner', async () => {
    const secret = await issue('acme');
    expect(secret).toMatch(/^sgi_sbx_[A-Za-z0-9_-]{43}$/);
    const other = await issue('globex');
    expect(other).not.toBe(secret);
    const created = await call('POST', '/sg_inf/create', { token: secret, body: seedBody });
    expect(created.status).toBe(200);
    expect((await call('GET', '/sg_inf/list', { token: secret })).body.message).toHaveLength(1);
    expect((await call('GET', '/sg_inf/list', { token: other })).body.message).toEqual([]);
    // The list never shows a secret, nor its hash.
    const listed = await keys('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^acme\s+sgi_sbx_\S{4}\.\.\.\s+\d{4}-/m);
    expect(listed.out).toMatch(/^globex\s/m);
    expect(listed.out).not.toContain(secret.slice(12));
    const raw = await fetch(`${mock.url}/__sandbox/admin/keys`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    const text = await raw.text();
    expect(text).not.toContain(secret.slice(12));
    expect(JSON.parse(text).message.map((k: { name: string }) => k.name)).toEqual(['acme', 'globex']);
  });

  it('a revoked key answers 401 at once, and its tenant data is gone', async () => {
    const secret = await issue('initech');
    expect((await call('POST', '/sg_inf/create', { token: secret, body: seedBody })).status).toBe(200);
    const revoked = await keys('revoke', 'initech');
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.out).toContain("'initech' is revoked");
    const after = await call('GET', '/sg_inf/list', { token: secret });
    expect(after.status).toBe(401);
    // A new key of the same name starts empty.
    const again = await issue('initech');
    expect((await call('GET', '/sg_inf/list', { token: again })).body.message).toEqual([]);
  });

  it('names must be unique and well-formed; the CLI says why it failed', async () => {
    await issue('hooli');
    expect(await keys('create', 'hooli')).toMatchObject({ code: 1, err: expect.stringContaining('exists') });
    expect(await keys('create', 'Bad Name!')).toMatchObject({
      code: 1,
      err: expect.stringContaining('lower-case'),
    });
    expect(await keys('revoke', 'nobody')).toMatchObject({
      code: 1,
      err: expect.stringContaining('No sandbox key'),
    });
    expect(await keys('frobnicate')).toMatchObject({
      code: 2,
      err: expect.stringContaining("unknown action 'frobnicate'"),
    });
    expect(await keysCommand(['list', '--url', mock.url], {})).toMatchObject({
      code: 2,
      err: expect.stringContaining('admin token is missing'),
    });
  });

  it('the admin API needs the admin token', async () => {
    for (const token of [undefined, 'wrong-admin-token-xxxxx', 'sgi_sbx_not-an-admin']) {
      const res = await fetch(`${mock.url}/__sandbox/admin/keys`, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      expect(res.status, String(token)).toBe(401);
      expect((await res.json()).message).toContain('admin token');
    }
    expect(
      await keysCommand(['list', '--url', mock.url, '--admin-token', 'wrong-admin-token-xxxxx'], {}),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('admin token'),
    });
  });
});

describe('open mode', () => {
  it('has no admin API without an admin token', async () => {
    const open = await startMockServer({ mode: 'sandbox', port: 0 });
    try {
      const res = await fetch(`${open.url}/__sandbox/admin/keys`, { headers: { Authorization: 'Bearer x' } });
      expect(res.status).toBe(404);
    } finally {
      await open.close();
    }
  });
});
