/**
 * The hosted sandbox, with every feature on (sandbox keys, rate and concurrency limits, the answer-byte
 * budget, metrics, the JSON log and the request log), under every attack of the hosting review at once,
 * while a well-behaved partner walks a deployment's whole life: create, wait for ACTIVE, read and list,
 * call its model endpoint, move its sandbox clock past scale-to-zero, scale it up, delete it, and find it
 * gone. Run on the Redis store with two replicas sharing one redis-server, then on the memory store.
 *
 * The partner sees only the statuses its journey expects (2xx, and 404 once deleted): no 5xx, no 503 nor
 * 429 caused by another tenant's traffic. It keeps within its own limits by pacing its calls (one at a
 * time, a pause between them), so it is never retried: a 429 of its own rate limit would be a failure too.
 * Every replica answers `/__sandbox/ready` 200 throughout, stays alive, and its peak resident set (the
 * kernel's VmHWM, with a V8 heap far larger, so that the sandbox's own bounds are what hold its memory)
 * stays under 512 MB. Nothing is timed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { startRedis, type TestRedis } from '@sgi/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildMock, startChildMock } from './support/child.js';
import { scalingToZero, seedBody } from './support/endpoint.js';
import {
  held,
  minimal,
  type Outcome,
  pause,
  pool,
  rssMb,
  SIEGE_TIMINGS,
  send,
  statusOf,
  tally,
} from './support/load.js';

const RSS_LIMIT_MB = 512;
const ADMIN = `operator-${randomBytes(16).toString('hex')}`;
/** The noisy partner's answers may cost each replica this many bytes a second. */
const ANSWER_BYTES_PER_SECOND = 4 * 1024 * 1024;
/** The partner's pause between two of its calls: at most 10 a second, half its rate limit of 20. */
const PARTNER_PACE_MS = 100;
/** Attack sizes: large enough to reach every bound, small enough for a 2-core machine. */
const SPRAY_REQUESTS = 1200;
const NOISY_LISTS = 160;
const HELD_HEADS = 60;
/** Beyond the 64 connections one address may hold, on each replica. */
const FLOOD_SLOTS = 180;
const FLOOD_ROUNDS = 6;
const OVERSIZE_ROUNDS = 12;
const MALFORMED = 40;
const REVOCATIONS = 6;
const CROSS_ORIGIN = 40;
const ENDPOINT_REQUESTS = 90;

/** A legal create of ~180 KB stored: the longest chat template the spec allows, in CJK (3 bytes a character). */
const cjkBody = (n: number) =>
  JSON.stringify({
    ...minimal,
    name: `cjk-${n}`,
    inf_type: 'llm',
    custom_chat_template: '模'.repeat(60_000),
  });

/** The sandbox processes under test, and what to call them at. */
interface Cluster {
  replicas: ChildMock[];
  urls: URL[];
  metrics: string[];
}

async function startCluster(store: string, count: number): Promise<Cluster> {
  const args = [
    '--store',
    store,
    '--auth',
    'keys',
    '--admin-token',
    ADMIN,
    '--rate-limit',
    '20',
    '--max-concurrent',
    '8',
    '--max-answer-bytes-per-second',
    String(ANSWER_BYTES_PER_SECOND),
    '--metrics-port',
    '0',
    '--log',
    ...SIEGE_TIMINGS,
  ];
  // One at a time: two replicas starting on one Redis at once would both create its identity.
  const replicas: ChildMock[] = [];
  for (let i = 0; i < count; i++) replicas.push(await startChildMock(args, 4096));
  const metrics: string[] = [];
  for (const replica of replicas) {
    for (let i = 0; ; i++) {
      const url = /metrics at (http:\/\/[^\s"]+)/.exec(replica.output())?.[1];
      if (url) {
        metrics.push(url);
        break;
      }
      if (i > 200) throw new Error(`no metrics URL in: ${replica.output().slice(-2000)}`);
      await pause(25);
    }
  }
  return { replicas, urls: replicas.map((r) => new URL(r.url)), metrics };
}

/** A JSON call with fetch (from 127.0.0.1, as the partner and the operator make them). */
async function call(
  base: URL,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: { success: boolean; message: unknown } }> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

/** Issues a sandbox key for `name` through the admin API; its secret. */
async function issueKey(base: URL, name: string): Promise<string> {
  const issued = await call(base, ADMIN, 'POST', '/__sandbox/admin/keys', { name });
  if (issued.status !== 201)
    throw new Error(`issuing ${name}: ${issued.status} ${JSON.stringify(issued.body)}`);
  return (issued.body.message as { key: string }).key;
}

/** A call repeated, as `Retry-After` says, while the caller's own limits refuse it (attackers' set-up only). */
async function patiently(base: () => URL, token: string, method: string, path: string, body?: unknown) {
  for (let attempt = 0; ; attempt++) {
    const answer = await call(base(), token, method, path, body);
    if (answer.status !== 429 || attempt >= 100) return answer;
    await pause(Math.max(100, Number(answer.headers.get('retry-after') ?? 1) * 1000));
  }
}

/** One step of the partner's journey: what it did, where, and what it was answered. */
interface Step {
  step: string;
  status: number;
  expected: number;
  replica: number;
}

/**
 * The partner's journey, its calls alternating between the replicas, paced; returns once done. A step
 * answered otherwise than expected is recorded and the journey goes on where it can.
 */
async function journey(cluster: Cluster, key: string, steps: Step[]): Promise<void> {
  let turn = 0;
  const step = async (name: string, expected: number, method: string, path: string, body?: unknown) => {
    await pause(PARTNER_PACE_MS);
    const replica = turn++ % cluster.urls.length;
    const answer = await call(cluster.urls[replica] as URL, key, method, path, body);
    steps.push({ step: name, status: answer.status, expected, replica });
    return answer;
  };
  const until = async (id: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      const got = await step(`get (until ${status})`, 200, 'GET', `/sg_inf/${id}`);
      if ((got.body.message as { status?: string })?.status === status) return true;
      if (got.status !== 200) return false;
    }
    return false;
  };
  const chat = (id: string) =>
    step('call the model endpoint', 200, 'POST', `/deployments/${id}/inference/v1/chat/completions`, {
      model: seedBody.model,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 16,
    });

  const created = await step('create', 200, 'POST', '/sg_inf/create', scalingToZero(60));
  const id = (created.body.message as { inf_id?: string })?.inf_id;
  if (!id) return;
  if (!(await until(id, 'ACTIVE'))) return;
  await step('get', 200, 'GET', `/sg_inf/${id}`);
  const listed = await step('list', 200, 'GET', '/sg_inf/list');
  const ids = (listed.body.message as Array<{ id: string }>)?.map?.((d) => d.id) ?? [];
  steps.push({ step: 'list shows it', status: ids.includes(id) ? 200 : 0, expected: 200, replica: -1 });
  await chat(id);
  await step('advance the clock past scale-to-zero', 200, 'POST', '/__sandbox/clock', {
    advance_seconds: 61,
  });
  const idle = await step('get (scaled to zero)', 200, 'GET', `/sg_inf/${id}`);
  steps.push({
    step: 'scaled to zero',
    status: (idle.body.message as { status?: string })?.status === 'INACTIVE' ? 200 : 0,
    expected: 200,
    replica: -1,
  });
  await step('scale up', 200, 'POST', `/sg_inf/${id}/scale/up`);
  if (!(await until(id, 'ACTIVE'))) return;
  await chat(id);
  await step('request log', 200, 'GET', '/__sandbox/requests');
  await step('delete', 200, 'DELETE', `/sg_inf/${id}`);
  await step('get (deleted)', 404, 'GET', `/sg_inf/${id}`);
}

/** A request's status and whether it carried `Access-Control-Allow-Origin`. */
function crossOrigin(
  base: URL,
  agent: Agent,
  method: string,
  headers: Record<string, string>,
): Promise<{ status: number | 'closed'; allowed: string | undefined }> {
  return new Promise((resolve) => {
    const req = request(
      { host: base.hostname, port: base.port, method, path: '/sg_inf/list', headers, agent },
      (res) => {
        res.resume();
        const allowed = res.headers['access-control-allow-origin'];
        res.on('end', () => resolve({ status: res.statusCode ?? 0, allowed }));
        res.on('error', () => resolve({ status: 'closed', allowed }));
      },
    );
    req.on('error', () => resolve({ status: 'closed', allowed: undefined }));
    req.end();
  });
}

/** Every attack at once against the cluster, while the partner walks its journeys; the figures and what each saw. */
async function siege(cluster: Cluster) {
  const { urls } = cluster;
  let spread = 0;
  /** Attackers spread their requests over the replicas, as a load balancer would. */
  const anyReplica = () => urls[spread++ % urls.length] as URL;
  const first = urls[0] as URL;
  const last = urls[urls.length - 1] as URL;
  const from = (n: number, keepAlive = false) =>
    new Agent({ keepAlive, maxSockets: 16, localAddress: `127.0.0.${n}` });
  const json = (token: string) => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

  const suffix = randomUUID().slice(0, 8);
  const partnerKey = await issueKey(first, `partner-${suffix}`);
  const noisyKey = await issueKey(first, `noisy-${suffix}`);
  const sprayKey = await issueKey(first, `spray-${suffix}`);
  const oversizeKey = await issueKey(first, `oversize-${suffix}`);
  const corsKey = await issueKey(first, `cors-${suffix}`);
  const endpointKey = await issueKey(first, `endpoint-${suffix}`);

  // The noisy partner fills its 2 MiB with CJK text (bytes are counted as stored), within its limits.
  const noisyCreates: number[] = [];
  for (let n = 0; n < 40; n++) {
    const created = await patiently(anyReplica, noisyKey, 'POST', '/sg_inf/create', cjkBody(n));
    noisyCreates.push(created.status);
    if (created.status === 403) break;
  }
  const whole = await patiently(anyReplica, noisyKey, 'GET', '/sg_inf/list');
  const listBytes = Buffer.byteLength(JSON.stringify(whole.body));
  // The endpoint attacker's deployment, ACTIVE before the attack.
  const target = await patiently(anyReplica, endpointKey, 'POST', '/sg_inf/create', {
    ...seedBody,
    name: 'target',
  });
  const targetId = (target.body.message as { inf_id: string }).inf_id;
  for (let i = 0; i < 200; i++) {
    const got = await patiently(anyReplica, endpointKey, 'GET', `/sg_inf/${targetId}`);
    if ((got.body.message as { status: string }).status === 'ACTIVE') break;
    await pause(50);
  }

  let attacking = true;
  const ready: number[] = [];
  const peaks: number[] = cluster.replicas.map(() => 0);
  const scrapes: Array<{ bytes: number; routes: number }> = [];

  // The operator's side: readiness probes of every replica, and metrics scrapes, throughout.
  const probes = (async () => {
    while (attacking) {
      for (const base of urls) {
        const res = await fetch(new URL('/__sandbox/ready', base)).catch(() => undefined);
        ready.push(res?.status ?? 0);
        await res?.arrayBuffer();
      }
      cluster.replicas.forEach((replica, i) => {
        if (replica.alive()) peaks[i] = Math.max(peaks[i] as number, rssMb(replica.child.pid as number).peak);
      });
      await pause(250);
    }
  })();
  const scraping = (async () => {
    while (attacking) {
      for (const url of cluster.metrics) {
        const text = await (await fetch(url)).text();
        scrapes.push({
          bytes: text.length,
          routes: new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1])).size,
        });
      }
      await pause(1000);
    }
  })();

  // 1. Metrics labels sprayed: /__sandbox/<random>, anonymous (401), with unknown keys (401), and with a
  //    key of its own on paths no route has (404).
  const spray = () => {
    const agent = from(2);
    return pool(SPRAY_REQUESTS, 16, (i) => {
      const random = randomBytes(12).toString('hex');
      if (i % 3 === 0) return send(anyReplica(), agent, 'GET', `/__sandbox/${random}`, {});
      if (i % 3 === 1)
        return send(anyReplica(), agent, 'POST', `/__sandbox/${random}`, {
          Authorization: `Bearer ${random}`,
        });
      return send(anyReplica(), agent, 'GET', `/sg_inf/${random}/scale/sideways`, {
        Authorization: `Bearer ${sprayKey}`,
      });
    });
  };
  // 2. The partner at its limits: lists of its 2 MiB, 8 at once, half abandoned once the answer starts.
  const noisy = async () => {
    const agent = from(3);
    const started = performance.now();
    const outcomes = await pool(NOISY_LISTS, 8, (i) =>
      send(
        anyReplica(),
        agent,
        'GET',
        '/sg_inf/list',
        { Authorization: `Bearer ${noisyKey}` },
        undefined,
        i % 2 === 0,
      ),
    );
    return { outcomes, seconds: (performance.now() - started) / 1000 };
  };
  // 3. Heads that announce a body and never send it: lists of the noisy tenant's 2 MiB (the read that
  //    once started on the head alone), and creates with unknown keys.
  const heads = () =>
    Promise.all([
      ...Array.from({ length: HELD_HEADS / 2 }, (_, i) =>
        held(
          urls[i % urls.length] as URL,
          '127.0.0.4',
          `GET /sg_inf/list HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${noisyKey}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
        ),
      ),
      ...Array.from({ length: HELD_HEADS / 2 }, (_, i) =>
        held(
          urls[i % urls.length] as URL,
          '127.0.0.4',
          `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sgi_sbx_${randomBytes(32).toString('base64url')}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"name":',
        ),
      ),
    ]).then((answers) => answers.map(statusOf));
  // 4. One anonymous client's flood of unfinished heads, each reopened as the server closes it.
  const flood = () =>
    Promise.all(
      Array.from({ length: FLOOD_SLOTS }, async (_, slot) => {
        const seen: string[] = [];
        for (let round = 0; round < FLOOD_ROUNDS && attacking; round++) {
          seen.push(
            statusOf(
              await held(
                urls[slot % urls.length] as URL,
                '127.0.0.5',
                'GET /sg_inf/list HTTP/1.1\r\nHost: x\r\n',
              ),
            ),
          );
          await pause(50);
        }
        return seen;
      }),
    ).then((all) => all.flat());
  // 5. Bodies over the limit on kept-alive connections, each after a request that went through.
  const oversize = async () => {
    const agent = from(6, true);
    const small: Outcome[] = [];
    const large: Outcome[] = [];
    const tooLarge = JSON.stringify({ ...minimal, custom_chat_template: 'x'.repeat(3 * 1024 * 1024) });
    await Promise.all(
      [0, 1].map(async () => {
        for (let i = 0; i < OVERSIZE_ROUNDS; i++) {
          const base = anyReplica();
          small.push(
            await send(base, agent, 'GET', '/sg_inf/list', { Authorization: `Bearer ${oversizeKey}` }),
          );
          large.push(await send(base, agent, 'POST', '/sg_inf/create', json(oversizeKey), tooLarge));
        }
      }),
    );
    agent.destroy();
    return { small, large };
  };
  // 6. Malformed request lines and oversized headers.
  const malformed = () =>
    Promise.all(
      Array.from({ length: MALFORMED }, (_, i) =>
        held(
          urls[i % urls.length] as URL,
          '127.0.0.7',
          i % 2 === 0
            ? 'GET /sg_inf/list HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n'
            : `GET /sg_inf/list HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
          20_000,
        ),
      ),
    );
  // 7. Keys revoked while their create is in flight (on another replica): refused, and the tenant
  //    does not come back for the key issued again under the same name.
  const revocations = async () => {
    const out: Array<{ revoked: number; inFlight: string; relisted: number; left: number }> = [];
    for (let i = 0; i < REVOCATIONS; i++) {
      const name = `revoked-${suffix}-${i}`;
      const key = await issueKey(first, name);
      const body = JSON.stringify({ ...minimal, name: 'in-flight' });
      const socket = connect({ host: last.hostname, port: Number(last.port), localAddress: '127.0.0.8' });
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
      });
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const giveUp = setTimeout(() => socket.destroy(), 30_000);
      await new Promise<void>((resolve) =>
        socket.on('connect', () =>
          socket.write(
            `POST /sg_inf/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n` +
              `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
              `Connection: close\r\n\r\n${body.slice(0, 10)}`,
            () => resolve(),
          ),
        ),
      );
      await pause(300);
      const revoked = await call(first, ADMIN, 'DELETE', `/__sandbox/admin/keys/${name}`);
      socket.write(body.slice(10));
      await closed;
      clearTimeout(giveUp);
      const again = await issueKey(first, name);
      const listed = await patiently(() => last, again, 'GET', '/sg_inf/list');
      out.push({
        revoked: revoked.status,
        inFlight: statusOf(answer),
        relisted: listed.status,
        left: (listed.body.message as unknown[]).length,
      });
      await call(first, ADMIN, 'DELETE', `/__sandbox/admin/keys/${name}`);
    }
    return out;
  };
  // 8. Cross-origin calls from a page on another site: never allowed to read the answer.
  const crossOrigins = () => {
    const agent = from(9);
    return Promise.all(
      Array.from({ length: CROSS_ORIGIN }, (_, i) =>
        i % 2 === 0
          ? crossOrigin(anyReplica(), agent, 'GET', {
              Origin: 'https://evil.example',
              Authorization: `Bearer ${corsKey}`,
            })
          : crossOrigin(anyReplica(), agent, 'OPTIONS', {
              Origin: 'https://evil.example',
              'Access-Control-Request-Method': 'POST',
              'Access-Control-Request-Headers': 'authorization, content-type',
            }),
      ),
    );
  };
  // 9. The model endpoint's abuse: huge max_tokens, streams that would never end, streams abandoned as
  //    soon as they start.
  const endpoint = () => {
    const agent = from(10);
    const chat = `/deployments/${targetId}/inference/v1/chat/completions`;
    const ask = (extra: Record<string, unknown>) =>
      JSON.stringify({ model: seedBody.model, messages: [{ role: 'user', content: 'hi' }], ...extra });
    const abuses: Array<[Record<string, string>, Record<string, unknown>, boolean]> = [
      [{}, { max_tokens: 2 ** 31 - 1 }, false],
      [{ 'X-Sandbox-Tokens-Per-Second': '0.001' }, { stream: true }, false],
      [{ 'X-Sandbox-Tokens-Per-Second': '2' }, { stream: true }, true],
    ];
    return pool(ENDPOINT_REQUESTS, 8, (i) => {
      const [headers, extra, abandon] = abuses[i % abuses.length] as (typeof abuses)[number];
      return send(
        anyReplica(),
        agent,
        'POST',
        chat,
        { ...json(endpointKey), ...headers },
        ask(extra),
        abandon,
      );
    });
  };

  // The partner: journeys from start to end, as long as the attack lasts (at least one).
  const steps: Step[] = [];
  const partner = (async () => {
    let journeys = 0;
    do {
      await journey(cluster, partnerKey, steps);
      journeys++;
    } while (attacking);
    return journeys;
  })();

  const attacks = Promise.all([
    spray(),
    noisy(),
    heads(),
    flood(),
    oversize(),
    malformed(),
    revocations(),
    crossOrigins(),
    endpoint(),
  ]);
  const [
    sprayOut,
    noisyOut,
    headsOut,
    floodOut,
    oversizeOut,
    malformedOut,
    revokedOut,
    corsOut,
    endpointOut,
  ] = await attacks;
  attacking = false;
  const journeys = await partner;
  await Promise.all([probes, scraping]);
  const finalScrapes = await Promise.all(
    cluster.metrics.map(async (url) => {
      const text = await (await fetch(url)).text();
      return new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1] as string));
    }),
  );
  const peak = cluster.replicas.map((replica, i) =>
    Math.max(peaks[i] as number, replica.alive() ? rssMb(replica.child.pid as number).peak : Number.NaN),
  );
  return {
    noisyCreates,
    listBytes,
    sprayOut,
    noisyOut: noisyOut.outcomes,
    noisySeconds: noisyOut.seconds,
    headsOut,
    floodOut,
    oversizeOut,
    malformedOut,
    revokedOut,
    corsOut,
    endpointOut,
    steps,
    journeys,
    ready,
    scrapes,
    finalScrapes,
    peak,
  };
}

/** What every attacker and the partner saw, checked. */
function expectSiegeHeld(figures: Awaited<ReturnType<typeof siege>>, cluster: Cluster): void {
  const statuses = (outcomes: Outcome[]) => new Set(outcomes.map((o) => o.status));
  const within = (outcomes: Outcome[], allowed: Array<number | 'closed'>, what: string) =>
    expect(
      [...statuses(outcomes)].filter((s) => !allowed.includes(s)),
      what,
    ).toEqual([]);

  // The partner's journeys went through, step by step: only the statuses each step expects.
  expect(figures.journeys).toBeGreaterThan(0);
  expect(figures.steps.filter((s) => s.status !== s.expected)).toEqual([]);
  expect(figures.steps.filter((s) => s.step === 'get (deleted)').length).toBe(figures.journeys);
  // Readiness stayed 200 on every replica, and every replica is alive and under its memory bound.
  expect(figures.ready.filter((s) => s !== 200)).toEqual([]);
  for (const replica of cluster.replicas) expect(replica.alive(), replica.output().slice(-2000)).toBe(true);
  for (const peak of figures.peak) expect(peak).toBeLessThan(RSS_LIMIT_MB);

  // The noisy partner filled its quota (403 at the byte quota), and its lists were served or refused at
  // its limits (429). What it was served stays within each replica's budget of answer bytes (one second
  // of it at once), plus the lists admitted together while the budget was not yet spent (8 in flight at
  // most): on a slow machine the machine holds it back before its budget does.
  expect(figures.noisyCreates.at(-1)).toBe(403);
  within(figures.noisyOut, [200, 408, 429], 'noisy lists');
  const served = (tally(figures.noisyOut)['200'] ?? 0) * figures.listBytes;
  expect(served).toBeLessThanOrEqual(
    cluster.replicas.length * (ANSWER_BYTES_PER_SECOND * (figures.noisySeconds + 1) + 8 * figures.listBytes),
  );
  // Sprayed paths: refused, and no new metrics series (a closed set of labels on every replica).
  within(figures.sprayOut, [401, 404, 405, 408, 429], 'sprayed paths');
  for (const routes of figures.finalScrapes) expect(routes.size).toBeLessThan(20);
  // Held heads: cut by the request timeout (408), refused at once (401, or 429 for the noisy tenant's
  // own slots), or closed at a connection bound; never served, never left open.
  expect(figures.headsOut.filter((s) => !['401', '408', '429', 'closed'].includes(s))).toEqual([]);
  expect(figures.floodOut.filter((s) => !['408', 'closed'].includes(s))).toEqual([]);
  expect(
    figures.floodOut.filter((s) => s === 'closed').length,
    'one client held to its connections',
  ).toBeGreaterThan(0);
  // Bodies over the limit on kept-alive connections: each read its 413, or its tenant's 429 when it
  // came over the tenant's rate (admission comes before the body is read).
  within(figures.oversizeOut.small, [200, 429], 'requests before the oversized bodies');
  within(figures.oversizeOut.large, [413, 429], 'oversized bodies');
  expect(tally(figures.oversizeOut.large)['413'], 'oversized bodies read to their 413').toBeGreaterThan(0);
  // Malformed requests: Node's own refusals in the envelope, with a request id.
  for (const answer of figures.malformedOut) {
    expect(['400', '431']).toContain(statusOf(answer));
    expect(answer).toMatch(/X-Request-Id: req_[0-9a-f]{32}/i);
    expect(answer).toContain('"success":false');
  }
  // Revoked while in flight: refused, and the key issued again starts with nothing.
  for (const r of figures.revokedOut)
    expect(r).toEqual({ revoked: 200, inFlight: '401', relisted: 200, left: 0 });
  // Another site's page may not read any answer.
  expect(figures.corsOut.filter((r) => r.allowed !== undefined)).toEqual([]);
  // The endpoint's bounds held: huge max_tokens and endless streams refused (400, or 429 at the
  // attacker's own limits), abandoned streams started (200).
  within(figures.endpointOut, [200, 400, 429], 'endpoint abuse');
  expect(tally(figures.endpointOut)['400'] ?? 0).toBeGreaterThan(0);
}

/** The figures worth reading in a run's output (never asserted as times). */
function report(store: string, figures: Awaited<ReturnType<typeof siege>>): void {
  const summary = {
    journeys: figures.journeys,
    partnerSteps: figures.steps.length,
    partnerStatuses: tally(figures.steps.map((s) => ({ status: s.status }))),
    ready: tally(figures.ready.map((status) => ({ status }))),
    noisyCreates: figures.noisyCreates.length,
    listBytes: figures.listBytes,
    noisyRefusedForBytes: figures.noisyOut.filter((o) => /bytes of answers/.test(o.message ?? '')).length,
    spray: tally(figures.sprayOut),
    noisy: tally(figures.noisyOut),
    heads: tally(figures.headsOut.map((s) => ({ status: s === 'closed' ? 'closed' : Number(s) }))),
    flood: tally(figures.floodOut.map((s) => ({ status: s === 'closed' ? 'closed' : Number(s) }))),
    oversize: tally(figures.oversizeOut.large),
    beforeOversize: tally(figures.oversizeOut.small),
    closedWhy: [...figures.oversizeOut.small, ...figures.oversizeOut.large]
      .filter((o) => o.status === 'closed')
      .map((o) => o.message),
    endpoint: tally(figures.endpointOut),
    largestScrapeBytes: Math.max(...figures.scrapes.map((s) => s.bytes)),
    peakRssMb: figures.peak.map(Math.round),
  };
  console.log(`hosted load (${store}): ${JSON.stringify(summary)}`);
}

/** The server's own events (the store going and coming back, ...), not its access log nor its start. */
function events(cluster: Cluster): string[] {
  return cluster.replicas.flatMap((replica) =>
    replica
      .output()
      .split('\n')
      .filter((line) => /"event":"(?!request"|listening"|metrics_listening"|warning")/.test(line))
      .map((line) => line.slice(0, 300)),
  );
}

// The siege once found a partner answered 500 under a loaded whole-suite run ("socket hang up" on the
// sandbox's forward to its own Prism: idle kept-alive connections that Prism closed together, the retry
// taking another of them). `test/upstream.test.ts` pins that fix. An attacker's 408 (its request cut by
// the request timeout) is a bound holding, not a failure.
describe('the hosted sandbox under every attack at once', () => {
  describe('Redis store, two replicas', () => {
    let redis: TestRedis;
    let cluster: Cluster | undefined;
    beforeAll(async () => {
      redis = await startRedis({ appendfsync: 'everysec' });
      cluster = await startCluster(redis.url, 2);
    });
    afterAll(async () => {
      await Promise.all(cluster?.replicas.map((r) => r.stop()) ?? []);
      await redis?.close();
    });

    it('keeps the partner whole, every replica ready and under 512 MB', async () => {
      const figures = await siege(cluster as Cluster);
      report('redis, 2 replicas', figures);
      // No stall, no outage: Redis never stopped answering.
      expect(events(cluster as Cluster)).toEqual([]);
      expectSiegeHeld(figures, cluster as Cluster);
    }, 400_000);
  });

  describe('memory store', () => {
    let cluster: Cluster | undefined;
    beforeAll(async () => {
      cluster = await startCluster('memory', 1);
    });
    afterAll(async () => {
      await Promise.all(cluster?.replicas.map((r) => r.stop()) ?? []);
    });

    it('keeps the partner whole, the replica ready and under 512 MB', async () => {
      const figures = await siege(cluster as Cluster);
      report('memory', figures);
      expect(events(cluster as Cluster)).toEqual([]);
      expectSiegeHeld(figures, cluster as Cluster);
    }, 400_000);
  });
});
