/**
 * `pnpm bench`: runs every benchmark, then writes `BENCHMARKS.md` and `benchmarks.json` at the
 * workspace root. Options: `--quick` (few rounds, to check the harness), `--only id,id` (a subset),
 * `--out DIR` (where to write the report).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageVersion, repoRoot } from './repo.js';
import { type Report, type RunInfo, renderMarkdown, type SuiteResult, toJson } from './report.js';
import { summarize } from './stats.js';
import { subjects } from './subjects.js';
import type { SuiteContext } from './suite.js';
import { bundle } from './suites/bundle.js';
import { clientLoopback } from './suites/client-loopback.js';
import { clientStub } from './suites/client-stub.js';
import { devloop } from './suites/devloop.js';
import { docs } from './suites/docs.js';
import { endpoint } from './suites/endpoint.js';
import { mock } from './suites/mock.js';
import { mockRedis } from './suites/mock-redis.js';
import { noisyNeighbour } from './suites/noisy-neighbour.js';

/** Every suite by id, in report order. */
const suites: Record<string, (ctx: SuiteContext) => Promise<SuiteResult>> = {
  'client-stub': (ctx) =>
    clientStub(
      ctx,
      subjects.filter((s) => s.name === '@sgi/client' || s.name === 'openapi-fetch'),
    ),
  'client-loopback': clientLoopback,
  bundle,
  mock,
  'mock-redis': mockRedis,
  'noisy-neighbour': noisyNeighbour,
  endpoint,
  docs,
  devloop,
};

const method = [
  'The machine is shared, so absolute times drift: every timed figure is also given as a ratio against a ' +
    'baseline measured in the same round, and the candidates interleave within each round (each round starts ' +
    'with another candidate and alternates direction), so that a slow moment hits every candidate alike.',
  'Each candidate is warmed up before the first round. A figure is the median of its per-round values; the ' +
    'range in brackets is the smallest and largest per-round value (the quartiles are in `benchmarks.json`).',
  'A goal is judged on the median; "rounds on both sides" means some rounds met it and some did not.',
  'Within a round the candidates take turns (hundreds of calls each for the client benchmarks), so each ' +
    'mostly pays for its own garbage; Node runs with `--expose-gc` and every round starts from a collected heap.',
];

const versionsOf = [
  '@sgi/client',
  '@sgi/mock',
  'openapi-fetch',
  'openai',
  '@anthropic-ai/sdk',
  '@stoplight/prism-cli',
  'autocannon',
  'esbuild',
  'playwright-core',
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    // `pnpm --filter @sgi/bench bench -- --only docs` passes the `--` on: it separates nothing here.
    args: process.argv.slice(2).filter((arg, i) => i > 0 || arg !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const root = repoRoot();
  const only = values.only?.split(',').map((s) => s.trim());
  for (const id of only ?? []) {
    if (!(id in suites))
      throw new Error(`unknown benchmark "${id}"; known: ${Object.keys(suites).join(', ')}`);
  }
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const ctx: SuiteContext = { root, quick: values.quick, log };
  const started = performance.now();
  const loadStart = loadavg();
  const loadSamples: number[] = [loadStart[0] ?? 0];
  const sampler = setInterval(() => loadSamples.push(loadavg()[0] ?? 0), 10_000);
  sampler.unref();
  const results: SuiteResult[] = [];
  for (const [id, run] of Object.entries(suites)) {
    if (only && !only.includes(id)) continue;
    log(`${id}...`);
    try {
      results.push(await run(ctx));
    } catch (error) {
      // One broken benchmark must not cost the others' figures: report it and go on.
      const why = error instanceof Error ? (error.message.split('\n')[0] ?? String(error)) : String(error);
      log(`${id} failed: ${error instanceof Error ? (error.stack ?? why) : why}`);
      results.push({
        id,
        title: id,
        method: '',
        tables: [],
        goals: [],
        notes: [],
        data: null,
        skipped: `it failed: ${why}`,
      });
      process.exitCode = 1;
    }
  }
  clearInterval(sampler);
  const versions: Record<string, string> = {};
  for (const name of versionsOf) {
    const v = packageVersion(name);
    if (v) versions[name] = v;
  }
  const run: RunInfo = {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    os: `${type()} ${release()}`,
    node: process.version,
    loadStart,
    loadEnd: loadavg(),
    load: summarize(loadSamples),
    durationSec: (performance.now() - started) / 1000,
    versions,
  };
  const report: Report = { run, method, suites: results };
  const out = values.out ?? root;
  // A folder that does not exist yet is made: a run of minutes never ends in ENOENT on its report.
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'BENCHMARKS.md'), renderMarkdown(report));
  writeFileSync(join(out, 'benchmarks.json'), `${JSON.stringify(toJson(report), null, 2)}\n`);
  log(`wrote ${join(out, 'BENCHMARKS.md')} and benchmarks.json in ${run.durationSec.toFixed(0)} s`);
}

/**
 * The run ends once the report is written, whatever failed: every suite releases what it started, and
 * should one still hold a server, a socket or a child process, it is named here and the process exits
 * anyway (with 1), instead of waiting forever.
 */
function endSoon(): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'TTYWrap');
    process.stderr.write(
      `bench: still open after the report: ${open.join(', ') || 'nothing known'}; exiting\n`,
    );
    process.exit(1);
  }, 5000).unref();
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(endSoon);
