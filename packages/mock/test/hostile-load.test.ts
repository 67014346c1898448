import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildMock, startChildMock } from './support/child.js';
import { minimal, pool, rssMb, SIEGE_TIMINGS, send, slowBodies, tally } from './support/load.js';

/**
 * Several attackers at once against one sandbox process, while a well-behaved partner runs a deployment's
 * whole life: the partner's calls all succeed, nothing answers 5xx, and the server's peak RSS stays under
 * 512 MB. The server runs with its default limits (and a large V8 heap, so that what bounds its memory is
 * the sandbox's own limits, not the heap size) in its own process, whose peak RSS the kernel reports.
 */

const RSS_LIMIT_MB = 512;
/** Attack sizes: large enough to hit every limit, small enough for a 2-core machine. */
const MAX_TENANTS = 300;
const FLOOD_REQUESTS = 800;
const BIG_TENANTS = 10;
const BIG_CREATES_PER_TENANT = 40;
const BIG_LISTS = 60;
const SLOW_CONNECTIONS = 60;
const BAD_ITEM_BODIES = 20;
const SWITCH_REQUESTS = 60;
const ENDPOINT_REQUESTS = 120;

/** A legal create body of about 60 KB: the longest chat template the spec allows is 65,536 characters. */
const bigBody = JSON.stringify({ ...minimal, inf_type: 'llm', custom_chat_template: 'x'.repeat(60_000) });
/** 30,000 bad LoRA items: a body that made the validator quadratic. */
const badItems = JSON.stringify({
  ...minimal,
  inf_type: 'llm',
  llm_loras: Array.from({ length: 30_000 }, () => 7),
});

/** When each attacker finished, in seconds from the start (reported, never asserted). */
const finished: Record<string, number> = {};
let started = 0;
const done = <T>(name: string, value: T): T => {
  finished[name] = Math.round((performance.now() - started) / 100) / 10;
  return value;
};

describe('hostile load: attackers and a partner at once', () => {
  let mock: ChildMock;
  let base: URL;

  beforeAll(async () => {
    mock = await startChildMock(
      [
        ...SIEGE_TIMINGS,
        // The tenant cap is lowered so that the flood reaches it within the test's budget; every other
        // limit is the default a hosted sandbox runs with.
        '--max-tenants',
        String(MAX_TENANTS),
      ],
      4096,
    );
    base = new URL(mock.url);
  });
  afterAll(async () => {
    await mock?.stop();
  });

  it('keeps the partner whole, answers nothing 5xx, and stays under 512 MB', async () => {
    const pid = mock.child.pid as number;
    const attacker = (n: number) =>
      new Agent({ keepAlive: false, maxSockets: 16, localAddress: `127.0.0.${n}` });
    const json = (token: string) => ({
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    });

    // Fresh tokens, each a would-be tenant: reads create none, creates fill the tenant table to its cap.
    const flood = () => {
      const agent = attacker(2);
      return pool(FLOOD_REQUESTS, 16, (i) =>
        i % 2 === 0
          ? send(base, agent, 'GET', '/sg_inf/list', { Authorization: `Bearer flood-${i}` })
          : send(base, agent, 'POST', '/sg_inf/create', json(`flood-${i}`), JSON.stringify(minimal)),
      );
    };
    // The largest legal bodies, until each tenant's and then the sandbox's byte quota answers 403; then
    // lists of those tenants, half of them abandoned as soon as the answer starts; and bodies over the limit.
    const big = async () => {
      const agent = attacker(3);
      const creates = await pool(BIG_TENANTS * BIG_CREATES_PER_TENANT, 12, (i) =>
        send(base, agent, 'POST', '/sg_inf/create', json(`big-${i % BIG_TENANTS}`), bigBody),
      );
      const lists = await pool(BIG_LISTS, 16, (i) =>
        send(
          base,
          agent,
          'GET',
          '/sg_inf/list',
          { Authorization: `Bearer big-${i % BIG_TENANTS}` },
          undefined,
          i % 2 === 0,
        ),
      );
      const oversized = await pool(20, 4, () =>
        send(base, agent, 'POST', '/sg_inf/create', json('big-0'), 'x'.repeat(2 * 1024 * 1024)),
      );
      return { answered: [...creates, ...lists], oversized };
    };
    const badBodies = () => {
      const agent = attacker(4);
      return pool(BAD_ITEM_BODIES, 4, (i) =>
        send(base, agent, 'POST', '/sg_inf/create', json(`bad-${i}`), badItems),
      );
    };
    const switches = () => {
      const agent = attacker(5);
      const shapes = [
        { path: '/sg_inf/list', prefer: 'dynamic=true' },
        { path: '/sg_inf/list?__dynamic=true', prefer: '' },
        { path: '/sg_inf/list?__example=constructor', prefer: '' },
        { path: '/sg_inf/./create', prefer: '' },
        { path: '/sg_inf/list', prefer: 'example=__proto__' },
        { path: '/sg_inf/%2e%2e/sg_inf/list', prefer: '' },
      ];
      return pool(SWITCH_REQUESTS, 4, (i) => {
        const shape = shapes[i % shapes.length] as { path: string; prefer: string };
        return send(base, agent, 'GET', shape.path, {
          Authorization: `Bearer switch-${i}`,
          ...(shape.prefer ? { Prefer: shape.prefer } : {}),
        });
      });
    };

    // A deployment's model endpoint: huge max_tokens, streams that would never end, streams abandoned as
    // soon as they start (their generation must stop with them).
    const endpoint = async () => {
      const agent = attacker(7);
      const headers = json('endpoint-attacker');
      const created = await fetch(new URL('/sg_inf/create', base), {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...minimal, inf_type: 'llm', model: 'm' }),
      });
      const id = ((await created.json()) as { message: { inf_id: string } }).message.inf_id;
      for (let i = 0; i < 100; i++) {
        const got = await fetch(new URL(`/sg_inf/${id}`, base), { headers });
        if (((await got.json()) as { message: { status: string } }).message.status === 'ACTIVE') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const chat = `/deployments/${id}/inference/v1/chat/completions`;
      const ask = (extra: Record<string, unknown>) =>
        JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });
      return pool(ENDPOINT_REQUESTS, 8, (i) => {
        const kind = i % 3;
        if (kind === 0) return send(base, agent, 'POST', chat, headers, ask({ max_tokens: 2 ** 31 - 1 }));
        if (kind === 1)
          return send(
            base,
            agent,
            'POST',
            chat,
            { ...headers, 'X-Sandbox-Tokens-Per-Second': '0.001' },
            ask({ stream: true }),
          );
        return send(
          base,
          agent,
          'POST',
          chat,
          { ...headers, 'X-Sandbox-Tokens-Per-Second': '2' },
          ask({ stream: true }),
          true,
        );
      });
    };

    // The partner: one token, plain fetch from 127.0.0.1, a deployment's whole life.
    const partner = async () => {
      const headers = {
        Authorization: 'Bearer partner-in-good-standing',
        'Content-Type': 'application/json',
      };
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(new URL(path, base), {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: res.status, body: (await res.json()) as { success: boolean; message: unknown } };
      };
      const steps: Array<{ step: string; status: number }> = [];
      const created = await call('POST', '/sg_inf/create', minimal);
      steps.push({ step: 'create', status: created.status });
      const id = (created.body.message as { inf_id: string }).inf_id;
      let status = '';
      for (let i = 0; i < 400 && status !== 'ACTIVE'; i++) {
        const got = await call('GET', `/sg_inf/${id}`);
        steps.push({ step: 'get', status: got.status });
        status = (got.body.message as { status: string }).status;
        if (status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 100));
      }
      const listed = await call('GET', '/sg_inf/list');
      steps.push({ step: 'list', status: listed.status });
      const ids = (listed.body.message as Array<{ id: string }>).map((d) => d.id);
      steps.push({ step: 'stop', status: (await call('POST', `/sg_inf/${id}/scale/zero`)).status });
      steps.push({ step: 'start', status: (await call('POST', `/sg_inf/${id}/scale/up`)).status });
      steps.push({ step: 'delete', status: (await call('DELETE', `/sg_inf/${id}`)).status });
      const gone = await call('GET', `/sg_inf/${id}`);
      return { steps, status, ids, id, goneStatus: gone.status };
    };

    started = performance.now();
    const slow = slowBodies(base, SLOW_CONNECTIONS, '127.0.0.6');
    const [floodOut, bigOut, badOut, switchOut, partnerRun, endpointOut] = await Promise.all([
      flood().then((v) => done('flood', v)),
      big().then((v) => done('big', v)),
      badBodies().then((v) => done('badItems', v)),
      switches().then((v) => done('switches', v)),
      partner().then((v) => done('partner', v)),
      endpoint().then((v) => done('endpoint', v)),
    ]);
    const slowOut = await slow;
    const rss = rssMb(pid);

    const figures = {
      flood: tally(floodOut),
      big: tally(bigOut.answered),
      oversized: tally(bigOut.oversized),
      badItems: tally(badOut),
      switches: tally(switchOut),
      endpoint: tally(endpointOut),
      slowBodies: tally(slowOut.map((s) => ({ status: s === 'closed' ? 'closed' : Number(s) }))),
      peakRssMb: Math.round(rss.peak),
      rssAfterMb: Math.round(rss.now),
      finishedAfterSeconds: finished,
    };
    console.log(`hostile load figures: ${JSON.stringify(figures)}`);

    // The partner's run went through, step by step.
    expect(partnerRun.status).toBe('ACTIVE');
    expect(partnerRun.ids).toContain(partnerRun.id);
    expect(partnerRun.steps.filter((s) => s.status !== 200)).toEqual([]);
    expect(partnerRun.goneStatus).toBe(404);

    // Nothing answered 5xx, and every request got an answer: only an oversized body may be cut off
    // after its 413, and a slow body after its timeout.
    for (const outcomes of [floodOut, bigOut.answered, badOut, switchOut, endpointOut]) {
      for (const { status } of outcomes) {
        expect(status !== 'closed' && status >= 200 && status < 500, `status ${status}`).toBe(true);
      }
    }
    for (const { status } of bigOut.oversized) expect([413, 'closed']).toContain(status);
    // Over-limit bodies and the limits were hit, not dodged: the attack reached every bound.
    expect(figures.flood['403'], 'tenant cap reached').toBeGreaterThan(0);
    expect(figures.big['403'], 'byte quota reached').toBeGreaterThan(0);
    expect(figures.oversized['413'] ?? 0, 'oversized bodies refused').toBeGreaterThan(0);
    expect(figures.badItems['200'] ?? 0).toBe(0);
    expect(figures.switches['200'] ?? 0).toBeLessThan(SWITCH_REQUESTS);
    // Huge max_tokens and never-ending streams were refused (400); abandoned streams had started (200).
    expect(figures.endpoint['400'] ?? 0, 'endpoint bounds held').toBe((2 * ENDPOINT_REQUESTS) / 3);
    expect(figures.endpoint['200'] ?? 0, 'abandoned streams').toBe(ENDPOINT_REQUESTS / 3);
    // Slow bodies were cut by the request timeout (408) or closed, never left open.
    expect(slowOut.every((s) => s === '408' || s === 'closed')).toBe(true);

    expect(mock.alive()).toBe(true);
    expect(rss.peak).toBeLessThan(RSS_LIMIT_MB);
  }, 300_000);
});
