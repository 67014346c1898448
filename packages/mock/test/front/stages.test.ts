/**
 * The front door's stages one by one (each refuses a request with its envelope, answers it, or passes it
 * on), and their order, which the list of what the mock refuses (docs/internals.md) must give as it is.
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forward, playQuirks, translate } from '../../src/front/answer.js';
import { type FrontCall, type FrontOptions, newCall } from '../../src/front/call.js';
import {
  checkContentType,
  checkCredentials,
  checkJsonShape,
  checkPath,
  checkUrl,
  decodeUtf8,
  parseJson,
  readBodyWithin,
} from '../../src/front/intake.js';
import {
  checkSandboxHeaders,
  checkSwitches,
  checkUnknownFields,
  injectChaos,
} from '../../src/front/request.js';
import { ANSWERED, type Refusal, type Verdict } from '../../src/front/stage.js';
import { FRONT_STAGES } from '../../src/front.js';
import { GATE_STAGES, type GateOptions } from '../../src/gate.js';
import {
  admit,
  answerAdmin,
  answerClock,
  answerEndpoint,
  answerProbes,
  answerSandboxRoutes,
  dropTenantHeader,
  type GateCall,
  nameTenant,
} from '../../src/hosting/stages.js';
import type { SandboxStore } from '../../src/sandbox/store/types.js';
import { TENANT_HEADER } from '../../src/sandbox/tenant.js';
import { specFacts } from '../../src/spec.js';

const facts = specFacts();

/** A request as the stages see it: headers, method, URL, and a body to read. */
function fakeRequest(init: {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}) {
  const req = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(req, {
    method: init.method ?? 'GET',
    url: init.url ?? '/sg_inf/list',
    headers: Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    socket: new PassThrough(),
  });
  if (init.body !== undefined) req.end(init.body);
  else req.end();
  return req;
}

/** A response that records what was written to it. */
function fakeResponse() {
  const headers = new Map<string, unknown>([['x-request-id', 'req_test']]);
  const sent: { status?: number; headers?: Record<string, unknown>; body?: string } = {};
  const res = {
    headersSent: false,
    destroyed: false,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), value),
    writeHead(status: number, h: Record<string, unknown> = {}) {
      sent.status = status;
      sent.headers = h;
      res.headersSent = true;
      return res;
    },
    end(body?: string | Buffer) {
      sent.body = body === undefined ? '' : String(body);
    },
    once: () => res,
    on: () => res,
    off: () => res,
  };
  return { res: res as unknown as ServerResponse, sent, headers };
}

const frontOptions: FrontOptions = {
  upstream: 'http://127.0.0.1:1',
  facts,
  maxBodyBytes: 1024,
  maxDepth: 4,
  maxJsonValues: 20,
  chaos: 0,
  onContractViolation: () => {},
};

/** A call of the front's stages, with the stages before `stage` having done their part (body read, token known...). */
function frontCall(init: Parameters<typeof fakeRequest>[0] & { options?: Partial<FrontOptions> }): FrontCall {
  const call = newCall(
    fakeRequest(init),
    fakeResponse().res,
    { ...frontOptions, ...init.options },
    { url: new URL(frontOptions.upstream), agent: new Agent() },
  );
  if (init.body !== undefined) call.body = Buffer.from(init.body);
  if (/^bearer /i.test(init.headers?.authorization ?? init.headers?.Authorization ?? '')) call.bearer = true;
  return call;
}

const refusal = (verdict: Verdict): Refusal => {
  expect(verdict).toBeTypeOf('object');
  return verdict as Refusal;
};

const json = { 'content-type': 'application/json', authorization: 'Bearer t' };

describe('the front stages, one by one', () => {
  it('url: a malformed percent-encoding is refused 400, a good URL passes', () => {
    const r = refusal(checkUrl(frontCall({ url: '/sg_inf/%zz' })));
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/percent-encoding/);
    expect(checkUrl(frontCall({ url: '/sg_inf/dep-1?force=true' }))).toBeUndefined();
  });

  it('path: a dot segment or an encoded slash is refused 404 naming why, a canonical path passes', () => {
    expect(refusal(checkPath(frontCall({ url: '/sg_inf/%2e%2e/create' }))).message).toMatch(/'\.' or '\.\.'/);
    expect(refusal(checkPath(frontCall({ url: '/sg_inf/a%2fb' }))).status).toBe(404);
    expect(checkPath(frontCall({ url: '/sg_inf/dep-1' }))).toBeUndefined();
  });

  it('body-size: a body over the limit is refused 413 naming `body`, and the rest is then thrown away', async () => {
    const big = frontCall({ method: 'POST', headers: { 'content-length': '4096' } });
    const r = refusal(await readBodyWithin(big));
    expect(r.status).toBe(413);
    expect(r.errors).toEqual([{ field: 'body', message: 'must be at most 1024 bytes', code: 'max_size' }]);
    expect(r.after).toBeTypeOf('function');
    const sent = newCall(
      fakeRequest({ method: 'POST', body: 'x'.repeat(2000) }),
      fakeResponse().res,
      frontOptions,
      {
        url: new URL(frontOptions.upstream),
        agent: new Agent(),
      },
    );
    expect(refusal(await readBodyWithin(sent)).status).toBe(413);
    const small = newCall(
      fakeRequest({ method: 'POST', body: '{"a":1}' }),
      fakeResponse().res,
      frontOptions,
      {
        url: new URL(frontOptions.upstream),
        agent: new Agent(),
      },
    );
    expect(await readBodyWithin(small)).toBeUndefined();
    expect(small.body.toString()).toBe('{"a":1}');
  });

  it('credentials: no bearer token with a body, or a sandbox header or switch to refuse, is refused 401; a token of any case passes as `Bearer`', () => {
    expect(refusal(checkCredentials(frontCall({ method: 'POST', body: '{}' }))).status).toBe(401);
    expect(refusal(checkCredentials(frontCall({ headers: { 'x-sandbox-outcome': 'maybe' } }))).status).toBe(
      401,
    );
    expect(checkCredentials(frontCall({ headers: { 'x-sandbox-outcome': 'fail' } }))).toBeUndefined();
    expect(refusal(checkCredentials(frontCall({ headers: { prefer: 'dynamic=true' } }))).status).toBe(401);
    expect(checkCredentials(frontCall({}))).toBeUndefined();
    const call = frontCall({ method: 'POST', body: '{}', headers: { authorization: 'bEaReR tok' } });
    call.bearer = false;
    expect(checkCredentials(call)).toBeUndefined();
    expect(call.bearer).toBe(true);
    expect(call.req.headers.authorization).toBe('Bearer tok');
  });

  it('content-type: a body not sent as JSON, or not in UTF-8, is refused 400', () => {
    const post = (type: string) =>
      frontCall({ method: 'POST', body: '{}', headers: { ...json, 'content-type': type } });
    expect(refusal(checkContentType(post('text/plain'))).message).toMatch(/got 'text\/plain'/);
    expect(refusal(checkContentType(post('application/json; charset=latin1'))).message).toMatch(/latin1/);
    expect(checkContentType(post('application/vnd.api+json; charset=utf-8'))).toBeUndefined();
    expect(checkContentType(frontCall({}))).toBeUndefined();
  });

  it('utf-8: a body that is not valid UTF-8 is refused 400', () => {
    expect(
      refusal(decodeUtf8(frontCall({ method: 'POST', body: Buffer.from([0x7b, 0xff, 0x7d]) }))).status,
    ).toBe(400);
    const call = frontCall({ method: 'POST', body: '{"name":"café"}' });
    expect(decodeUtf8(call)).toBeUndefined();
    expect(call.text).toBe('{"name":"café"}');
  });

  it('json: malformed JSON is refused 400 without quoting the body', () => {
    const call = frontCall({ method: 'POST', body: '{"hf_token":"hf_secret' });
    call.text = '{"hf_token":"hf_secret';
    const r = refusal(parseJson(call));
    expect(r.status).toBe(400);
    expect(r.message).not.toContain('hf_secret');
    const good = frontCall({ method: 'POST', body: '[1]' });
    good.text = '[1]';
    expect(parseJson(good)).toBeUndefined();
    expect(good.parsed).toEqual([1]);
  });

  it('json-shape: nesting deeper than the limit, or more values than it, is refused 400', () => {
    const shaped = (parsed: unknown) => Object.assign(frontCall({ method: 'POST', body: 'x' }), { parsed });
    expect(refusal(checkJsonShape(shaped([[[[[1]]]]]))).message).toMatch(/deeper than 4/);
    expect(refusal(checkJsonShape(shaped(Array(30).fill(1)))).message).toMatch(/more than 20 JSON values/);
    expect(checkJsonShape(shaped({ a: [1, 2] }))).toBeUndefined();
  });

  it('unknown-fields: a create body with a field the spec does not know is refused 422, other routes pass', () => {
    const create = Object.assign(frontCall({ method: 'POST', url: '/sg_inf/create', body: 'x' }), {
      parsed: { no_such_field: 1 },
    });
    const r = refusal(checkUnknownFields(create));
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([
      { field: 'no_such_field', message: 'is not a known field', code: 'unknown_field' },
    ]);
    const other = Object.assign(frontCall({ method: 'POST', url: '/sg_inf/dep-1/stop', body: 'x' }), {
      parsed: { no_such_field: 1 },
    });
    expect(checkUnknownFields(other)).toBeUndefined();
  });

  it('sandbox-headers: an X-Sandbox-* value that means nothing is refused 400 naming the header', () => {
    const r = refusal(checkSandboxHeaders(frontCall({ headers: { 'x-sandbox-chaos': '2' } })));
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.field).toBe('X-Sandbox-Chaos');
    expect(checkSandboxHeaders(frontCall({ headers: { 'x-sandbox-quirks': 'production' } }))).toBeUndefined();
  });

  it("switches: Prism's `dynamic` is refused 422 naming it; a documented `code` passes", () => {
    const r = refusal(checkSwitches(frontCall({ headers: { prefer: 'dynamic=true' } })));
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.errors)).toMatch(/dynamic/);
    expect(
      checkSwitches(frontCall({ url: '/sg_inf/dep-1', headers: { prefer: 'code=404' } })),
    ).toBeUndefined();
  });

  it('chaos: at the call’s share, 429 or 503 with Retry-After; none at a share of 0', () => {
    const call = frontCall({ options: { chaos: 1 } });
    const r429 = refusal(injectChaos(call, () => 0.1));
    expect([r429.status, r429.headers]).toEqual([429, { 'Retry-After': '1' }]);
    let draws = 0;
    expect(refusal(injectChaos(call, () => (draws++ === 0 ? 0.1 : 0.9))).status).toBe(503);
    expect(
      injectChaos(frontCall({ options: { chaos: 1 }, headers: { 'x-sandbox-chaos': '0' } })),
    ).toBeUndefined();
    expect(injectChaos(frontCall({}))).toBeUndefined();
  });

  describe('forward', () => {
    let upstream: Server;
    let seen: { headers: IncomingMessage['headers']; url?: string; body: string } | undefined;
    beforeAll(async () => {
      upstream = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen = { headers: req.headers, url: req.url, body: Buffer.concat(chunks).toString() };
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
        });
      });
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

    it('sends the body as JSON and only the switches that may reach Prism, and keeps the answer', async () => {
      const agent = new Agent();
      const { port } = upstream.address() as AddressInfo;
      const req = fakeRequest({
        method: 'POST',
        url: '/sg_inf/dep-1/stop?__code=404&__dynamic=true&force=true',
        headers: {
          authorization: 'Bearer t',
          'content-type': 'application/vnd.x+json',
          expect: '100-continue',
        },
      });
      const call = newCall(req, fakeResponse().res, frontOptions, {
        url: new URL(`http://127.0.0.1:${port}`),
        agent,
      });
      call.body = Buffer.from('{"a":1}');
      expect(await forward(call)).toBeUndefined();
      agent.destroy();
      expect(call.answer?.status).toBe(200);
      expect(seen?.url).not.toMatch(/__dynamic/);
      expect(seen?.headers['content-type']).toBe('application/json');
      expect(seen?.headers.expect).toBeUndefined();
      expect(seen?.body).toBe('{"a":1}');
    });
  });

  it("translate: Prism's unknown route becomes the envelope's 404, a request violation 422 naming the field; a good answer passes", () => {
    const answered = (status: number, headers: Record<string, string>, body: unknown) =>
      Object.assign(frontCall({ url: '/sg_inf/dep-1' }), {
        answer: { status, headers, body: Buffer.from(JSON.stringify(body)) },
      });
    const r404 = refusal(
      translate(
        answered(
          404,
          { 'content-type': 'application/problem+json' },
          { type: 'https://x/NO_PATH_MATCHED_ERROR' },
        ),
      ),
    );
    expect([r404.status, r404.message]).toEqual([404, 'No such route: GET /sg_inf/dep-1.']);
    const r422 = refusal(
      translate(
        answered(
          422,
          { 'content-type': 'application/problem+json' },
          {
            validation: [
              { location: ['path', 'inference_id'], message: 'must match pattern', code: 'pattern' },
            ],
          },
        ),
      ),
    );
    expect(r422.status).toBe(422);
    expect(r422.errors?.[0]?.field).toBe('inference_id');
    expect(
      translate(answered(200, { 'content-type': 'application/json' }, { success: true })),
    ).toBeUndefined();
  });

  it("quirks: asked for, production's drift answers in place of the contract's; else the answer passes", () => {
    const withAnswer = (headers: Record<string, string>) => {
      const { res, sent } = fakeResponse();
      const call = newCall(fakeRequest({ url: '/sg_inf/dep-1', headers }), res, frontOptions, {
        url: new URL(frontOptions.upstream),
        agent: new Agent(),
      });
      call.answer = {
        status: 404,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"success":false,"message":"No deployment dep-1."}'),
      };
      return { call, sent };
    };
    const asked = withAnswer({ 'x-sandbox-quirks': 'production' });
    expect(playQuirks(asked.call)).toBe(ANSWERED);
    expect(asked.sent.status).toBe(204);
    const plain = withAnswer({});
    expect(playQuirks(plain.call)).toBeUndefined();
    expect(plain.sent.status).toBeUndefined();
  });
});

/** A store that admits as told and answers the sandbox routes' few calls. */
function fakeStore(admission: unknown = { ok: true, tenant: 'acme' }): SandboxStore {
  return {
    admit: async () => admission,
    ready: async () => true,
    reset: async () => 3,
    requestLog: async () => [],
    clockOffset: async () => 0,
  } as unknown as SandboxStore;
}

function gateCall(
  init: Parameters<typeof fakeRequest>[0] & {
    options?: Partial<GateOptions>;
    store?: SandboxStore | null;
    placement?: 'here' | 'elsewhere' | 'only';
    admin?: GateCall['gate']['admin'];
    endpoint?: GateOptions['endpoint'];
    tenant?: GateCall['tenant'];
  },
) {
  const { res, sent, headers } = fakeResponse();
  const req = fakeRequest(init);
  const store = init.store === null ? undefined : (init.store ?? fakeStore());
  const options: GateOptions = {
    auth: 'open',
    rateLimit: 0,
    maxConcurrent: 0,
    tenantHeader: (t) => `signed:${t.key}`,
    notReady: () => undefined,
    clock: () => 0,
    next: () => {},
    ...(store ? { store } : {}),
    ...init.options,
  };
  const ended: string[] = [];
  const call: GateCall = {
    req,
    res,
    gate: {
      options,
      store,
      placement: init.placement ?? 'here',
      admin: init.admin,
      end: (_tenant, lease) => ended.push(String(lease)),
    },
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0] ?? '/',
    seen: {},
    endpoint: init.endpoint,
    ...(init.tenant ? { tenant: init.tenant } : {}),
  };
  return { call, sent, headers, ended };
}

const acme = { key: 'acme', label: 'acme', admitted: true };

describe('the hosting stages, one by one', () => {
  it('probes: health and readiness are answered to anyone; another method 405, a body 413; a stopping server is not ready', async () => {
    const health = gateCall({ url: '/__sandbox/health' });
    expect(await answerProbes(health.call)).toBe(ANSWERED);
    expect(health.sent.status).toBe(200);
    expect(
      refusal(await answerProbes(gateCall({ method: 'POST', url: '/__sandbox/ready' }).call)).reason,
    ).toBe('method');
    const body = gateCall({ url: '/__sandbox/health', headers: { 'content-length': String(1024 * 1024) } });
    expect(refusal(await answerProbes(body.call)).status).toBe(413);
    const stopping = gateCall({
      url: '/__sandbox/ready',
      options: { notReady: () => 'Not ready: stopping.' },
    });
    expect(await answerProbes(stopping.call)).toBe(ANSWERED);
    expect(stopping.sent.status).toBe(503);
    expect(await answerProbes(gateCall({ url: '/sg_inf/list' }).call)).toBeUndefined();
  });

  it("admin: answered where it is served, 404 on the partners' port when it has its own, and only it on its own port", async () => {
    let asked = '';
    const here = gateCall({
      url: '/__sandbox/admin/keys',
      admin: async (_q, _s, path) => {
        asked = path;
      },
    });
    expect(await answerAdmin(here.call)).toBe(ANSWERED);
    expect(asked).toBe('/__sandbox/admin/keys');
    expect(
      refusal(await answerAdmin(gateCall({ url: '/__sandbox/admin/keys', placement: 'elsewhere' }).call))
        .status,
    ).toBe(404);
    expect(refusal(await answerAdmin(gateCall({ url: '/sg_inf/list', placement: 'only' }).call)).reason).toBe(
      'no_route',
    );
    expect(await answerAdmin(gateCall({ url: '/sg_inf/list' }).call)).toBeUndefined();
  });

  it('tenant-header: a tenant header sent by the caller is dropped', () => {
    const { call } = gateCall({ headers: { [TENANT_HEADER]: 'forged' } });
    expect(dropTenantHeader(call)).toBeUndefined();
    expect(call.req.headers[TENANT_HEADER]).toBeUndefined();
  });

  it('admission: an unknown key 401, a tenant over its rate 429 with Retry-After and RateLimit headers; no token passes without a tenant', async () => {
    const keys = { auth: 'keys' as const };
    const unknown = gateCall({
      headers: { authorization: 'Bearer sk_x' },
      options: keys,
      store: fakeStore({ ok: false, reason: 'unknown_key' }),
    });
    expect(refusal(await admit(unknown.call))).toMatchObject({ status: 401, reason: 'unauthorized' });
    const limited = gateCall({
      headers: { authorization: 'Bearer sk_x' },
      options: { ...keys, rateLimit: 5 },
      store: fakeStore({
        ok: false,
        reason: 'rate_limit',
        tenant: 'acme',
        rate: { limit: 5, remaining: 0, resetMs: 1500 },
      }),
    });
    expect(refusal(await admit(limited.call))).toMatchObject({
      status: 429,
      reason: 'rate_limit',
      headers: { 'Retry-After': '2' },
    });
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    const admitted = gateCall({ headers: { authorization: 'Bearer sk_x' }, options: keys });
    expect(await admit(admitted.call)).toBeUndefined();
    expect(admitted.call.tenant?.key).toBe('acme');
    const anonymous = gateCall({});
    expect(await admit(anonymous.call)).toBeUndefined();
    expect(anonymous.call.tenant).toBeUndefined();
  });

  it('endpoint: the model endpoint answers its own paths, with the admitted tenant', async () => {
    let tenant: string | undefined;
    const endpoint: GateOptions['endpoint'] = async (_q, _s, t) => {
      tenant = t;
    };
    expect(
      await answerEndpoint(
        gateCall({ url: '/deployments/d/inference/v1/models', endpoint, tenant: acme }).call,
      ),
    ).toBe(ANSWERED);
    expect(tenant).toBe('acme');
    expect(await answerEndpoint(gateCall({ url: '/sg_inf/list' }).call)).toBeUndefined();
    expect(
      await answerEndpoint(gateCall({ url: '/deployments/d', endpoint, store: null }).call),
    ).toBeUndefined();
  });

  it("anonymous: no token 401 in keys mode and on the sandbox's routes; an admitted tenant is named, signed", () => {
    expect(refusal(nameTenant(gateCall({ options: { auth: 'keys' } }).call)).reason).toBe('unauthorized');
    expect(refusal(nameTenant(gateCall({ url: '/__sandbox/requests' }).call)).status).toBe(401);
    expect(nameTenant(gateCall({ url: '/sg_inf/list' }).call)).toBeUndefined();
    expect(nameTenant(gateCall({ url: '/sg_inf/list', store: null }).call)).toBeUndefined();
    const named = gateCall({ tenant: acme });
    expect(nameTenant(named.call)).toBeUndefined();
    expect(named.call.req.headers[TENANT_HEADER]).toBe('signed:acme');
  });

  it("clock: the tenant's clock answers itself; nothing else", async () => {
    const clock = gateCall({ url: '/__sandbox/clock', tenant: acme });
    expect(await answerClock(clock.call)).toBe(ANSWERED);
    expect(clock.sent.status).toBe(200);
    expect(await answerClock(gateCall({ url: '/__sandbox/requests', tenant: acme }).call)).toBeUndefined();
  });

  it('sandbox-routes: reset and the request log are answered; a body 413; any other route 404, every one in static mode', async () => {
    const reset = gateCall({ method: 'POST', url: '/__sandbox/reset', tenant: acme });
    expect(await answerSandboxRoutes(reset.call)).toBe(ANSWERED);
    expect(reset.sent.body).toMatch(/3 deployments/);
    const log = gateCall({ url: '/__sandbox/requests', tenant: acme });
    expect(await answerSandboxRoutes(log.call)).toBe(ANSWERED);
    const body = gateCall({
      method: 'POST',
      url: '/__sandbox/reset',
      tenant: acme,
      headers: { 'content-length': '100000' },
    });
    expect(refusal(await answerSandboxRoutes(body.call)).status).toBe(413);
    expect(
      refusal(await answerSandboxRoutes(gateCall({ url: '/__sandbox/nope', tenant: acme }).call)).reason,
    ).toBe('no_route');
    expect(
      refusal(
        await answerSandboxRoutes(gateCall({ method: 'POST', url: '/__sandbox/reset', store: null }).call),
      ).status,
    ).toBe(404);
    expect(await answerSandboxRoutes(gateCall({ url: '/sg_inf/list', tenant: acme }).call)).toBeUndefined();
  });
});

describe('the order of the stages', () => {
  it('is the list of what the mock refuses, in order, of docs/internals.md', () => {
    const readme = readFileSync(new URL('../../docs/internals.md', import.meta.url), 'utf8');
    const start = readme.indexOf('## What the mock refuses, in order');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n#', start + 10));
    const items = [...section.matchAll(/^(\d+)\. `([a-z0-9-]+)`/gm)];
    expect(items.map((m) => Number(m[1]))).toEqual(items.map((_, i) => i + 1));
    expect(items.map((m) => m[2])).toEqual([...GATE_STAGES, ...FRONT_STAGES].map((s) => s.name));
  });
});
