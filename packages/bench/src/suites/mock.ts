/**
 * 4. Mock servers under load: bare `prism mock` vs `sgi-mock --mode static` vs `sgi-mock --mode sandbox`
 * (and a minimal `node:http` server as the floor), each in its own process, driven by autocannon.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specYamlPath } from '@sgi/spec';
import { startRedis, type TestRedis } from '@sgi/testing';
import autocannon from 'autocannon';
import { deploymentId } from '../body.js';
import { type Child, freePort, LISTENING_ON, start, waitForAnswer, waitForOutput } from '../process.js';
import { type ProfileSummary, profileTables, summarizeProfileSince, topAreas } from '../profile.js';
import { packageDir } from '../repo.js';
import { fig, type Goal, noErrorsGoal, type SuiteResult, type Table } from '../report.js';
import { type Figure, median, quantile, ratios, roundOrder, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';

const auth = { authorization: 'Bearer bench-token' };

/** A server under load: how to start it, and the path every request of the load asks for. */
interface MockCandidate {
  name: string;
  /**
   * Starts the server (with `nodeFlags` for node, e.g. to profile it) and hands its process to
   * `spawned` at once (so a failed start can still be stopped and explained); resolves with its origin
   * and the ms from spawn to its first answer.
   */
  start(
    spawned: (child: Child) => void,
    nodeFlags?: readonly string[],
  ): Promise<{ child: Child; origin: string; readyMs: number }>;
  /** The path to load (the sandbox first creates the deployment it then reads). */
  path(origin: string): Promise<string>;
  /** The headers of every request of the load (default: a bearer token). */
  headers?: Record<string, string>;
}

/** Figures of one autocannon run, latencies in ms from every response's own timing. */
export interface LoadRun {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

function jsonServer(): MockCandidate {
  return {
    name: 'node:http, fixed JSON (floor)',
    async start(spawned) {
      const since = performance.now();
      const script = fileURLToPath(new URL('../servers/json-server.js', import.meta.url));
      const child = start(process.execPath, [script]);
      spawned(child);
      const [, port] = await waitForOutput(child, /listening (\d+)/);
      const origin = `http://127.0.0.1:${port}`;
      const readyMs = await waitForAnswer(`${origin}/sg_inf/${deploymentId}`, child, since, {
        headers: auth,
      });
      return { child, origin, readyMs };
    },
    path: async () => `/sg_inf/${deploymentId}`,
  };
}

function barePrism(): MockCandidate {
  return {
    name: 'prism mock (bare)',
    async start(spawned) {
      const port = await freePort();
      const cli = `${packageDir('@stoplight/prism-cli')}/dist/index.js`;
      const since = performance.now();
      const child = start(process.execPath, [
        cli,
        'mock',
        specYamlPath,
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
      ]);
      spawned(child);
      const origin = `http://127.0.0.1:${port}`;
      const readyMs = await waitForAnswer(`${origin}/sg_inf/${deploymentId}`, child, since, {
        headers: auth,
      });
      return { child, origin, readyMs };
    },
    path: async () => `/sg_inf/${deploymentId}`,
  };
}

/** The admin token of the hosted sandbox under load (it only lives as long as the benchmark's server). */
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/**
 * The flags of the sandbox as hosted for partners, every feature on: sandbox keys, per-tenant rate and
 * concurrency limits and a budget of answer bytes (high enough never to refuse the load), metrics, one
 * JSON log line per request, and the Redis store at `storeUrl`.
 */
export function hostedSandboxArgs(storeUrl: string): string[] {
  return [
    '--auth',
    'keys',
    '--rate-limit',
    '100000',
    '--max-concurrent',
    '1000',
    '--max-answer-bytes-per-second',
    String(1024 * 1024 * 1024),
    '--metrics-port',
    '0',
    '--log',
    '--store',
    storeUrl,
  ];
}

/** The hosted sandbox's name in the tables. */
export const HOSTED_NAME =
  'sgi-mock --mode sandbox, hosted (every feature: keys, limits, answer budget, metrics, log, Redis)';

/**
 * `sgi-mock`: static, sandbox, or the sandbox as hosted for partners (`hosted`: every feature on, see
 * {@link hostedSandboxArgs}, with the Redis store that `storeUrl` gives once it is started).
 */
function sgiMock(mode: 'static' | 'sandbox', hosted?: { storeUrl: () => string }): MockCandidate {
  const candidate: MockCandidate = {
    name: hosted ? HOSTED_NAME : `sgi-mock --mode ${mode}`,
    async start(spawned, nodeFlags = []) {
      const cli = `${packageDir('@sgi/mock')}/dist/cli.js`;
      const since = performance.now();
      const args = [...nodeFlags, cli, '--mode', mode, '--port', '0'];
      if (mode === 'sandbox') args.push('--provision-delay-ms', '0');
      if (hosted) args.push(...hostedSandboxArgs(hosted.storeUrl()));
      const child = start(process.execPath, args, hosted ? { SGI_MOCK_ADMIN_TOKEN: ADMIN_TOKEN } : {});
      spawned(child);
      const [, origin] = await waitForOutput(child, LISTENING_ON);
      const readyMs = await waitForAnswer(`${origin}/sg_inf/list`, child, since, { headers: auth });
      return { child, origin: origin as string, readyMs };
    },
    async path(origin) {
      if (mode === 'static') return `/sg_inf/${deploymentId}`;
      if (hosted) {
        const issued = await fetch(`${origin}/__sandbox/admin/keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          // A key of its own each time: the keys of earlier rounds are still in the Redis store.
          body: JSON.stringify({ name: `bench-${randomUUID().slice(0, 8)}` }),
        });
        const key = ((await issued.json()) as { message?: { key?: string } }).message?.key;
        if (!issued.ok || !key) throw new Error(`the admin API answered ${issued.status} to a new key`);
        candidate.headers = { authorization: `Bearer ${key}` };
      }
      return createDeployment(origin, candidate.headers ?? auth);
    },
  };
  return candidate;
}

/** Creates a deployment on the sandbox at `origin` (as `bench-token` unless told); resolves with its path. */
export async function createDeployment(
  origin: string,
  headers: Record<string, string> = auth,
): Promise<string> {
  const res = await fetch(`${origin}/sg_inf/create`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench-embeddings',
      model: 'BAAI/bge-large-en-v1.5',
      inf_type: 'embedding',
      controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
    }),
  });
  const body = (await res.json()) as { message?: { inf_id?: string } };
  const id = body.message?.inf_id;
  if (!res.ok || !id) throw new Error(`sandbox create answered ${res.status}: ${JSON.stringify(body)}`);
  return `/sg_inf/${id}`;
}

/** Runs autocannon against `url` and times every response itself (autocannon's histogram keeps whole ms). */
export function load(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = auth,
): Promise<LoadRun> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon({ url, connections, duration: seconds, headers }, (error, result) => {
      if (error) return reject(error);
      resolve({
        reqPerSec: result.requests.total / (result.duration || seconds),
        p50: times.length > 0 ? median(times) : Number.NaN,
        p99: times.length > 0 ? quantile(times, 0.99) : Number.NaN,
        errors: result.errors + result.timeouts + result.non2xx,
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
}

/**
 * Runs `c` under node's CPU profiler and summarises where its CPU time went (the profile is written
 * when the server exits): from spawn to its first answer (`seconds` 0), or while autocannon loads it
 * at 10 connections for `seconds` after a 1 s warm-up.
 */
async function profileServer(c: MockCandidate, seconds: number): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'sgi-bench-prof-'));
  let child: Child | undefined;
  try {
    const started = await c.start(
      (spawned) => {
        child = spawned;
      },
      ['--cpu-prof', '--cpu-prof-dir', dir],
    );
    let from = 0;
    if (seconds > 0) {
      const url = started.origin + (await c.path(started.origin));
      await load(url, 10, 1, c.headers); // warm-up, left out of the summary
      from = Number(process.hrtime.bigint() / 1000n);
      await load(url, 10, seconds, c.headers);
    }
    await child?.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${c.name} wrote no CPU profile`);
    return summarizeProfileSince(JSON.parse(readFileSync(join(dir, file), 'utf8')), from);
  } finally {
    await child?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How long a server sits idle after its first answer before its resident memory is read. */
const IDLE_MS = 1000;

/** A child's resident memory in MB (Linux's `/proc`), or undefined where it cannot be read. */
function residentMb(child: Child): number | undefined {
  try {
    const status = readFileSync(`/proc/${child.proc.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Why a server could not be measured, in one line: the error and the last thing the server printed. */
function oneLine(error: unknown, child: Child | undefined): string {
  const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const printed = child?.output().trim().split('\n').pop();
  return printed ? `${first} (it printed: ${printed.trim()})` : first;
}

/** Runs benchmark 4. */
export async function mock(ctx: SuiteContext): Promise<SuiteResult> {
  // The hosted sandbox's Redis, started once for the whole run (the everyday settings: append-only
  // file synced every second).
  let redis: TestRedis | undefined;
  const storeUrl = () => {
    if (!redis) throw new Error('the Redis of the hosted sandbox is not running');
    return redis.url;
  };
  const candidates = [
    jsonServer(),
    barePrism(),
    sgiMock('static'),
    sgiMock('sandbox'),
    sgiMock('sandbox', { storeUrl }),
  ];
  try {
    redis = await startRedis({ appendfsync: 'everysec' });
    return await runMock(ctx, candidates);
  } finally {
    await redis?.close();
  }
}

async function runMock(ctx: SuiteContext, candidates: MockCandidate[]): Promise<SuiteResult> {
  const options = ctx.quick
    ? { rounds: 1, warmupSec: 0.5, seconds: 0.5, connections: [1, 10] }
    : { rounds: 5, warmupSec: 0.5, seconds: 1.5, connections: [1, 10] };
  const levels = options.connections;
  type PerLevel = Record<number, LoadRun[]>;
  const runs = new Map<string, PerLevel>(
    candidates.map((c) => [c.name, Object.fromEntries(levels.map((l) => [l, []]))]),
  );
  const ready = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  const idleRss = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  const failed = new Map<string, string>();
  ctx.log(`mock: ${options.rounds} rounds x ${candidates.length} servers x ${levels.length} loads`);
  for (let round = 0; round < options.rounds; round++) {
    for (const index of roundOrder(candidates.length, round)) {
      const c = candidates[index] as (typeof candidates)[number];
      if (failed.has(c.name)) continue;
      let child: Child | undefined;
      try {
        const started = await c.start((spawned) => {
          child = spawned;
        });
        ready.get(c.name)?.push(started.readyMs);
        await new Promise((r) => setTimeout(r, IDLE_MS));
        const rss = residentMb(started.child);
        if (rss !== undefined) idleRss.get(c.name)?.push(rss);
        const url = started.origin + (await c.path(started.origin));
        await load(url, 10, options.warmupSec, c.headers);
        for (const connections of levels)
          runs.get(c.name)?.[connections]?.push(await load(url, connections, options.seconds, c.headers));
      } catch (error) {
        failed.set(c.name, oneLine(error, child));
      } finally {
        await child?.stop();
      }
    }
  }

  const ok = candidates.filter((c) => !failed.has(c.name));
  const profiles: Record<string, ProfileSummary> = {};
  for (const c of ok.filter((x) => x.name.startsWith('sgi-mock') && !x.name.includes('hosted'))) {
    for (const [what, seconds] of [
      ['start-up (spawn to first answer)', 0],
      ['10 connections', options.seconds],
    ] as const) {
      ctx.log(`mock: profiling ${c.name}, ${what}`);
      try {
        profiles[`${c.name}, ${what}`] = await profileServer(c, seconds);
      } catch (error) {
        failed.set(`${c.name} (profile of ${what})`, oneLine(error, undefined));
      }
    }
  }
  const bare = 'prism mock (bare)';
  const rows: string[][] = [];
  const figures: Record<string, unknown> = {};
  const goals: Goal[] = [];
  for (const c of ok) {
    const perLevel = runs.get(c.name) as PerLevel;
    const rssRounds = idleRss.get(c.name) as number[];
    const out: Record<string, unknown> = {
      readyMs: summarize(ready.get(c.name) as number[]),
      ...(rssRounds.length > 0 ? { idleRssMb: summarize(rssRounds) } : {}),
    };
    for (const connections of levels) {
      const r = perLevel[connections] as LoadRun[];
      const base = failed.has(bare) ? undefined : (runs.get(bare) as PerLevel)[connections];
      const p50Ratio = base
        ? summarize(
            ratios(
              r.map((x) => x.p50),
              base.map((x) => x.p50),
            ),
          )
        : undefined;
      const level = {
        reqPerSec: summarize(r.map((x) => x.reqPerSec)),
        p50: summarize(r.map((x) => x.p50)),
        p99: summarize(r.map((x) => x.p99)),
        errors: summarize(r.map((x) => x.errors)),
        p50Ratio,
      };
      out[`c${connections}`] = level;
      rows.push([
        c.name,
        String(connections),
        fig(level.reqPerSec, 'req/s'),
        fig(level.p50, 'ms'),
        p50Ratio ? fig(p50Ratio, 'x') : '–',
        fig(level.p99, 'ms'),
        String(r.reduce((sum, x) => sum + x.errors, 0)),
      ]);
      if (c.name.startsWith('sgi-mock --mode sandbox') && p50Ratio) {
        goals.push({
          name: `${c.name.replace('sgi-mock --mode ', '')} p50 / bare Prism p50, ${connections} connection(s)`,
          kind: 'max',
          limit: 1.2,
          unit: 'x',
          figure: p50Ratio,
        });
      }
      if (c.name.startsWith('sgi-mock --mode sandbox')) {
        goals.push(
          noErrorsGoal(
            `${c.name.replace('sgi-mock --mode ', '')} errors, ${connections} connection(s)`,
            level.errors,
          ),
        );
      }
    }
    if (c.name.startsWith('sgi-mock')) {
      const mode = c.name.replace('sgi-mock --mode ', '');
      goals.push({
        name: `${mode} ready (spawn to first answer)`,
        kind: 'max',
        limit: 500,
        unit: 'ms',
        figure: out.readyMs as Figure,
      });
      if (out.idleRssMb) {
        goals.push({
          name: `${mode} resident memory, idle after start`,
          kind: 'max',
          limit: 100,
          unit: 'MB',
          figure: out.idleRssMb as Figure,
        });
      }
    }
    figures[c.name] = out;
  }
  const floorReady = ready.get(candidates[0]?.name ?? '') ?? [];
  const prismReady = failed.has(bare) ? [] : (ready.get(bare) ?? []);
  const against = (r: number[], base: number[]) =>
    base.length === r.length && r.length > 0 ? fig(summarize(ratios(r, base)), 'x') : '–';
  const readyTable: Table = {
    caption:
      'Time from spawning the process to its first answer (the floor is a bare `node:http` server: what ' +
      'starting any Node process costs on this machine at the time):',
    columns: ['server', 'ready', 'x floor', 'x bare Prism', `RSS idle ${IDLE_MS / 1000} s after`],
    rows: ok.map((c) => {
      const r = ready.get(c.name) as number[];
      const rss = idleRss.get(c.name) as number[];
      return [
        c.name,
        fig(summarize(r), 'ms'),
        against(r, floorReady),
        against(r, prismReady),
        rss.length > 0 ? fig(summarize(rss), 'MB') : '–',
      ];
    }),
  };
  return {
    id: 'mock',
    title: 'Mock server under load',
    method:
      'Each server runs in its own process on 127.0.0.1 and is started afresh in every round (the order rotates), ' +
      `which gives its ready time: from spawn to the first answer, polled every 5 ms; ${IDLE_MS / 1000} s later, idle, its resident memory (RSS) is read. After ${options.warmupSec} s ` +
      `of warm-up load, autocannon (in the benchmark's process) sends GETs of one deployment for ${options.seconds} s ` +
      `at each of ${levels.join(' and ')} connection(s); the sandbox reads a deployment it was just asked to create. ` +
      `Latencies are every 2xx response's own time (autocannon's histogram keeps whole milliseconds only). ` +
      `${options.rounds} rounds; ratios are against bare Prism in the same round and at the same load. ` +
      'Errors are connection errors, timeouts and non-2xx answers. The hosted sandbox runs with every feature ' +
      'on (sandbox keys, rate and concurrency limits and a budget of answer bytes set high enough never to ' +
      "refuse the load, metrics on a port of their own, one JSON log line per request, the Redis store: a redis-server of the benchmark's own, append-only file synced every second) " +
      'and serves the same spec as bare Prism; its p50 ratio to bare Prism is the cost of hosting.',
    tables: [
      {
        columns: [
          'server',
          'connections',
          'throughput',
          'p50',
          'p50 x bare Prism',
          'p99',
          'errors (all rounds)',
        ],
        rows,
      },
      readyTable,
      ...Object.entries(profiles).flatMap(([name, p]) => profileTables(name, p)),
    ],
    goals,
    notes: [
      ...[...failed].map(([name, why]) => `${name} could not be measured: ${why}`),
      ...Object.entries(profiles).map(
        ([name, p]) => `Profile of ${name}: ${topAreas(p)} of its CPU samples.`,
      ),
      'Two cores serve both autocannon and the server under test, so at 10 connections they compete for CPU.',
    ],
    data: { options, figures, profiles, failed: Object.fromEntries(failed) },
    ...(ok.length === 0 ? { skipped: 'no server could be started' } : {}),
  };
}
