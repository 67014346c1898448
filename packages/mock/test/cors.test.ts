/**
 * CORS: every answer a browser can get carries the CORS headers, whichever layer gives it (the API, the
 * sandbox's own routes, a 401 for a bad key, a 429 of a limit), and a preflight is answered before any
 * check of credentials, which browsers never send with one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockServer } from '../src/index.js';
import { keysCommand } from '../src/keys-command.js';
import { client } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const ADMIN = 'admin-token-for-the-cors-tests';
const APP = 'https://app.example';
let openMock: MockServer;
let hosted: MockServer;
let open: ReturnType<typeof client>;

beforeAll(async () => {
  [openMock, hosted] = await Promise.all([
    startSandbox(),
    startSandbox({ auth: 'keys', adminToken: ADMIN, rateLimit: 2, corsOrigins: [APP] }),
  ]);
  open = client(openMock.url, 'cors');
}, 120_000);
afterAll(() => Promise.all([openMock?.close(), hosted?.close()]));

/** A browser's preflight for `method` on `path`, asking to send `Authorization`. */
function preflight(url: string, path: string, method: string) {
  return fetch(`${url}${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: APP,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': 'authorization, content-type',
    },
  });
}

describe('CORS: browsers may call, never with credentials', () => {
  it('by default answers loopback origins (a local app, the local docs) by name, and no other page', async () => {
    for (const origin of ['http://127.0.0.1:4011', 'http://localhost:5173', 'https://[::1]:8443']) {
      const answer = await open('GET', '/sg_inf/list', { headers: { Origin: origin } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(answer.headers.get('vary')).toContain('Origin');
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
      expect(answer.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    }
    // Any web page a developer visits must not read or reset the sandbox's tenants.
    for (const origin of [
      'https://evil.example',
      'null',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example',
    ]) {
      const answer = await open('GET', '/sg_inf/list', { headers: { Origin: origin } });
      expect(answer.headers.get('access-control-allow-origin'), origin).toBeNull();
      const pre = await fetch(`${openMock.url}/__sandbox/reset`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it("with corsOrigins ['*'], answers any origin with * (never with credentials)", async () => {
    const wide = await startMockServer({ mode: 'sandbox', port: 0, corsOrigins: ['*'] });
    try {
      const answer = await client(wide.url)('GET', '/sg_inf/list', {
        headers: { Origin: 'https://evil.example' },
      });
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await wide.close();
    }
  });

  it('answers a preflight of a loopback origin with the headers the API needs', async () => {
    const res = await fetch(`${openMock.url}/sg_inf/create`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:4011',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers':
          'authorization, content-type, prefer, x-sandbox-chaos, x-sandbox-future',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4011');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const name of [
      'authorization',
      'content-type',
      'prefer',
      'x-sandbox-chaos',
      'x-sandbox-outcome',
      'x-sandbox-future',
    ]) {
      expect(allowed).toContain(name);
    }
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('with corsOrigins, answers only those origins, by name', async () => {
    const strict = await startMockServer({
      mode: 'sandbox',
      port: 0,
      corsOrigins: ['http://127.0.0.1:4011'],
    });
    try {
      const listed = await client(strict.url)('GET', '/sg_inf/list', {
        headers: { Origin: 'http://127.0.0.1:4011' },
      });
      expect(listed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4011');
      expect(listed.headers.get('vary')).toContain('Origin');
      for (const origin of ['https://evil.example', 'null']) {
        const other = await client(strict.url)('GET', '/sg_inf/list', { headers: { Origin: origin } });
        expect(other.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    } finally {
      await strict.close();
    }
  });
});

describe('CORS in front of every check: the hosted sandbox (sandbox keys, rate limit)', () => {
  it('answers preflights of the API and of the sandbox routes, which carry no key, with 204', async () => {
    for (const [method, path] of [
      ['GET', '/sg_inf/list'],
      ['POST', '/sg_inf/create'],
      ['DELETE', '/sg_inf/abc'],
      ['POST', '/__sandbox/reset'],
      ['GET', '/__sandbox/requests'],
    ] as const) {
      for (const url of [hosted.url, openMock.url]) {
        const res = await preflight(url, path, method);
        expect(res.status, `${url === hosted.url ? 'hosted' : 'open'} ${method} ${path}`).toBe(204);
        if (url === openMock.url) {
          // The open sandbox by default answers loopback origins only.
          expect(res.headers.get('access-control-allow-origin')).toBeNull();
          continue;
        }
        expect(res.headers.get('access-control-allow-origin')).toBe(APP);
        expect((res.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain(
          'authorization',
        );
        expect(res.headers.get('access-control-allow-methods')).toContain(method);
      }
    }
  });

  it('a 401 for an unknown key reaches the browser as a 401 a page can read', async () => {
    const answer = await client(hosted.url)('GET', '/sg_inf/list', {
      token: 'not-a-sandbox-key',
      headers: { Origin: APP },
    });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });

  it("a 429 of the tenant's rate limit exposes Retry-After and the RateLimit headers to the page", async () => {
    const created = await keysCommand(['create', 'browser-app', '--url', hosted.url], {
      SGI_MOCK_ADMIN_TOKEN: ADMIN,
    });
    expect(created.code, created.err).toBe(0);
    const key = created.out.trim().split('\n').at(-1) as string;
    const call = client(hosted.url, key);
    const answers = [];
    // Six times the limit, at once: some are answered 429 within the same second.
    for (const answer of await Promise.all(
      Array.from({ length: 12 }, () => call('GET', '/sg_inf/list', { headers: { Origin: APP } })),
    ))
      answers.push(answer);
    const limited = answers.find((a) => a.status === 429);
    expect(limited, `statuses ${answers.map((a) => a.status).join(', ')}`).toBeDefined();
    for (const answer of answers) expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    const exposed = limited?.headers.get('access-control-expose-headers') ?? '';
    for (const name of ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
      expect(exposed).toContain(name);
    const reset = await call('POST', '/__sandbox/reset', { headers: { Origin: APP } });
    expect(reset.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
