import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, type MockServer, startMockServer } from '../src/index.js';
import { client, expectDocumented } from './support/http.js';
import { rawRequest } from './support/raw.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const auth = { Authorization: 'Bearer limits-token', 'Content-Type': 'application/json' };
let mock: MockServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  mock = await startSandbox();
  call = client(mock.url, 'limits-token');
});
afterAll(() => mock.close());

describe('sandbox limits: bodies it cannot read', () => {
  it('answers malformed JSON with 400', async () => {
    const answer = await call('POST', '/sg_inf/create', { body: '{"name": "x",' });
    expect(answer.status).toBe(400);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.message).toBe(
      'The request body is not valid JSON: unexpected character at position 13.',
    );
  });

  it('never quotes the body of malformed JSON, which may hold a secret', async () => {
    const answer = await call('POST', '/sg_inf/create', {
      body: '{"name": "x", "hf_token": hf_secret_value_123}',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe("The request body is not valid JSON: unexpected character 'h'.");
    expect(JSON.stringify(answer.body)).not.toContain('secret_value');
  });

  it('answers a bad body without a bearer token with 401: credentials come first', async () => {
    for (const body of ['{"name":', '{"nmae": "typo"}']) {
      const answer = await call('POST', '/sg_inf/create', { body, token: null });
      expect(answer.status, body).toBe(401);
      expectDocumented('POST', '/sg_inf/create', answer);
    }
  });

  it('answers a body that is not JSON with 400 naming the content type', async () => {
    const answer = await call('POST', '/sg_inf/create', {
      body: 'name=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(400);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.message).toContain("got 'application/x-www-form-urlencoded'");
  });

  it(`answers a body over ${DEFAULT_MAX_BODY_BYTES} bytes with 413`, async () => {
    const body = JSON.stringify({ ...seedBody, custom_chat_template: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) });
    const answer = await call('POST', '/sg_inf/create', { body });
    expect(answer.status).toBe(413);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.errors).toEqual([
      { field: 'body', message: 'must be at most 1048576 bytes', code: 'max_size' },
    ]);
  });

  it('answers a body over the limit without Content-Length (chunked) with 413', async () => {
    const chunked = await rawRequest(
      mock.url,
      'POST',
      '/sg_inf/create',
      { ...auth, 'Transfer-Encoding': 'chunked' },
      Buffer.alloc(DEFAULT_MAX_BODY_BYTES + 10, 0x20),
    );
    expect(chunked.status).toBe(413);
  });

  it('answers JSON nested deeper than the limit with 400', async () => {
    const answer = await call('POST', '/sg_inf/create', {
      body: { ...seedBody, metadata: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('The request body is nested deeper than 32 levels.');
    const deeper = await call('POST', '/sg_inf/create', {
      body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    });
    expect(deeper.status).toBe(400);
  });

  it('answers a body that is JSON but not an object with 422', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const answer = await call('POST', '/sg_inf/create', { body });
      expect(answer.status, body).toBe(422);
      expectDocumented('POST', '/sg_inf/create', answer);
    }
  });
});

describe('sandbox limits: values it refuses', () => {
  it.each([
    ['max_model_len', 1e308, 'maximum'],
    ['max_model_len', -1, 'minimum'],
    ['max_model_len', 1.5, 'type'],
    ['max_price_per_hour', 1e300, 'maximum'],
    ['name', 'x'.repeat(100_000), 'max_length'],
    ['name', '   ', 'pattern'],
  ])('names %s = %s with code %s', async (field, value, code) => {
    const answer = await call('POST', '/sg_inf/create', { body: { ...seedBody, [field]: value } });
    expect(answer.status).toBe(422);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.errors).toContainEqual(expect.objectContaining({ field, code }));
  });
});

describe('sandbox limits: hostile ids', () => {
  it.each([
    ['/sg_inf/a/b', 404],
    ['/sg_inf/a/b/c/d', 404],
    ['/sg_inf/../../etc/passwd', 404],
    ['/sg_inf/..', 404],
    ['/sg_inf/a..b', 404],
    ['/sg_inf/%2e%2e%2fsecret', 404],
    ['/sg_inf/caf%C3%A9', 422],
    ['/sg_inf/%F0%9F%92%A5', 422],
    ['/sg_inf/%00', 422],
    ['/sg_inf/%E0%A4%A', 400],
    [`/sg_inf/${'a'.repeat(129)}`, 422],
    ['/sg_inf/a%20b', 422],
    ['/sg_inf/create', 422],
    ['/sg_inf/list/x', 404],
  ])('GET %s answers %i in the envelope', async (path, status) => {
    const answer = await rawRequest(mock.url, 'GET', path, auth);
    expect(answer.status).toBe(status);
    const body = JSON.parse(answer.text);
    expect(body.success).toBe(false);
    expect(typeof body.message).toBe('string');
  });

  it('names the id when it breaks the pattern', async () => {
    const answer = await rawRequest(mock.url, 'DELETE', '/sg_inf/caf%C3%A9', auth);
    expect(JSON.parse(answer.text).errors).toEqual([
      expect.objectContaining({ field: 'inference_id', code: 'pattern' }),
    ]);
  });
});

describe('sandbox chaos', () => {
  it('X-Sandbox-Chaos: 1 answers every call with 429 or 503 and Retry-After, in the spec', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const answer = await call('GET', '/sg_inf/list', { headers: { 'X-Sandbox-Chaos': '1' } });
      expect([429, 503]).toContain(answer.status);
      expect(answer.headers.get('retry-after')).toBe('1');
      expectDocumented('GET', '/sg_inf/list', answer);
      seen.add(answer.status);
    }
    expect(seen.size).toBeGreaterThan(0);
  });

  it('X-Sandbox-Chaos: 0 never does', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await call('GET', '/sg_inf/list', { headers: { 'X-Sandbox-Chaos': '0' } })).status).toBe(200);
    }
  });

  it('a chaotic create creates nothing', async () => {
    const token = 'chaos-create';
    const answer = await call('POST', '/sg_inf/create', {
      body: seedBody,
      token,
      headers: { 'X-Sandbox-Chaos': '1' },
    });
    expect([429, 503]).toContain(answer.status);
    expect((await call('GET', '/sg_inf/list', { token })).body.message).toEqual([]);
  });

  it('the chaos option applies to every call of a server', async () => {
    const chaotic = await startMockServer({ mode: 'sandbox', port: 0, chaos: 1 });
    try {
      const answer = await client(chaotic.url)('GET', '/sg_inf/list');
      expect([429, 503]).toContain(answer.status);
    } finally {
      await chaotic.close();
    }
  });
});
