/**
 * 6. Noisy neighbour: one tenant at its limits cannot take the CPU from another. A tenant holding 2 MiB
 * of settings lists them as fast as `--rate-limit 20 --max-concurrent 8 --max-answer-bytes-per-second
 * 4194304` let it, while another tenant reads one deployment: the quiet tenant's p50 while the noisy one
 * lists, against its p50 alone, in the same round.
 */
import type { Child } from '../process.js';
import { fig, type Goal, noErrorsGoal, type SuiteResult } from '../report.js';
import { SANDBOX_ARGS, startSandbox } from '../servers/sandbox.js';
import { median, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';

/** The sandbox's limits in this benchmark: those of a hosted sandbox (see the mock's README). */
export const NOISY_LIMITS = { rateLimit: 20, maxConcurrent: 8, answerBytesPerSecond: 4 * 1024 * 1024 };

/** The flags that hold the sandbox under test to a hosted sandbox's limits. */
function noisyLimitArgs(): string[] {
  return [
    '--rate-limit',
    String(NOISY_LIMITS.rateLimit),
    '--max-concurrent',
    String(NOISY_LIMITS.maxConcurrent),
    '--max-answer-bytes-per-second',
    String(NOISY_LIMITS.answerBytesPerSecond),
  ];
}

/** The command line of the sandbox under test (the memory store, one process). */
export function noisySandboxArgs(): string[] {
  return [...SANDBOX_ARGS, ...noisyLimitArgs()];
}

/** One round: the quiet tenant's read times alone and while the noisy one lists, in ms. */
export interface NoisyRound {
  alone: number[];
  loaded: number[];
}

/** Each round's ratio of the quiet tenant's p50 while the noisy one lists over its p50 alone. */
export function noisyRatios(rounds: readonly NoisyRound[]): number[] {
  return rounds
    .filter((r) => r.alone.length > 0 && r.loaded.length > 0)
    .map((r) => median(r.loaded) / median(r.alone));
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status: number;
  retryAfter: number;
  bytes: number;
  body: unknown;
}

async function call(
  origin: string,
  token: string,
  method: string,
  path: string,
  payload?: unknown,
  parse = true,
) {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const buffer = Buffer.from(await res.arrayBuffer());
  let body: unknown;
  try {
    // Not the noise's 2 MiB lists: the benchmark's own CPU is left to the server.
    body = parse ? JSON.parse(buffer.toString('utf8')) : undefined;
  } catch {
    body = undefined;
  }
  return {
    status: res.status,
    retryAfter: Number(res.headers.get('retry-after') ?? 0),
    bytes: buffer.length,
    body,
  } satisfies Answer;
}

/** A call repeated as `Retry-After` says while the tenant's own limits refuse it (set-up only). */
async function admitted(origin: string, token: string, method: string, path: string, payload?: unknown) {
  for (let attempt = 0; ; attempt++) {
    const answer = await call(origin, token, method, path, payload);
    if ((answer.status !== 429 && answer.status !== 503) || attempt >= 50) return answer;
    await pause(Math.max(100, answer.retryAfter * 1000));
  }
}

const body = (name: string, template = '') => ({
  name,
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'llm',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
  ...(template ? { custom_chat_template: template } : {}),
});

/** `count` reads of one deployment by the quiet tenant, one after another, within its rate limit; ms each. */
async function reads(
  origin: string,
  path: string,
  count: number,
): Promise<{ times: number[]; errors: number }> {
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const { status } = await call(origin, 'quiet', 'GET', path);
    if (status === 200) times.push(performance.now() - started);
    else errors++;
    await pause(60);
  }
  return { times, errors };
}

/** Runs benchmark 6. */
export async function noisyNeighbour(ctx: SuiteContext): Promise<SuiteResult> {
  const options = ctx.quick ? { rounds: 1, reads: 10 } : { rounds: 5, reads: 30 };
  const rounds: NoisyRound[] = [];
  const served = { lists: 0, refused: 0 };
  let quietErrors = 0;
  let listBytes = 0;
  let child: Child | undefined;
  try {
    const origin = await startSandbox(
      noisyLimitArgs(),
      (c) => {
        child = c;
      },
      { authorization: 'Bearer quiet' },
    );
    // The noisy tenant fills its 2 MiB with the longest chat templates the spec allows.
    const template = 'x'.repeat(60_000);
    for (let n = 0; n < 60; n++) {
      const created = await admitted(origin, 'noisy', 'POST', '/sg_inf/create', body(`big-${n}`, template));
      if (created.status === 403) break;
    }
    listBytes = (await admitted(origin, 'noisy', 'GET', '/sg_inf/list')).bytes;
    const quiet = await admitted(origin, 'quiet', 'POST', '/sg_inf/create', body('small'));
    const id = (quiet.body as { message: { inf_id: string } }).message.inf_id;
    const path = `/sg_inf/${id}`;
    ctx.log(`noisy-neighbour: ${options.rounds} rounds, a list of ${listBytes} bytes`);
    for (let round = 0; round < options.rounds; round++) {
      const alone = await reads(origin, path, options.reads);
      let noisy = true;
      const loops = Array.from({ length: NOISY_LIMITS.maxConcurrent }, async () => {
        while (noisy) {
          const answer = await call(origin, 'noisy', 'GET', '/sg_inf/list', undefined, false);
          if (answer.status === 200) served.lists++;
          else {
            served.refused++;
            await pause(50);
          }
        }
      });
      await pause(500);
      const loaded = await reads(origin, path, options.reads);
      noisy = false;
      await Promise.all(loops);
      quietErrors += alone.errors + loaded.errors;
      rounds.push({ alone: alone.times, loaded: loaded.times });
      // The noisy tenant's budget fills up again before the next quiet measure.
      await pause(1500);
    }
  } finally {
    await child?.stop();
  }

  const ratio = summarize(noisyRatios(rounds));
  const alone = summarize(rounds.map((r) => median(r.alone)));
  const loaded = summarize(rounds.map((r) => median(r.loaded)));
  const goals: Goal[] = [
    {
      name: "quiet tenant's p50 while another lists 2 MiB at its limits / alone",
      kind: 'max',
      limit: 2,
      unit: 'x',
      figure: ratio,
    },
    noErrorsGoal("quiet tenant's errors while another lists 2 MiB at its limits", summarize([quietErrors])),
  ];
  return {
    id: 'noisy-neighbour',
    title: 'Noisy neighbour: a tenant at its limits and another one',
    method:
      `One sandbox process (memory store) with --rate-limit ${NOISY_LIMITS.rateLimit} --max-concurrent ` +
      `${NOISY_LIMITS.maxConcurrent} --max-answer-bytes-per-second ${NOISY_LIMITS.answerBytesPerSecond}. A noisy ` +
      'tenant fills its 2 MiB of settings with the longest chat templates the spec allows; a quiet tenant reads ' +
      `one deployment ${options.reads} times, one after another with 60 ms between reads (within its rate limit), ` +
      `alone and then while the noisy tenant lists its deployments from ${NOISY_LIMITS.maxConcurrent} loops as ` +
      'fast as its limits let it (a refused list waits 50 ms). The ratio is the quiet p50 with the noise over ' +
      `the quiet p50 alone, in the same round; ${options.rounds} rounds.`,
    tables: [
      {
        columns: ['quiet p50 alone', 'quiet p50 with the noise', 'ratio', 'noisy lists served', 'refused'],
        rows: [
          [
            fig(alone, 'ms'),
            fig(loaded, 'ms'),
            fig(ratio, 'x'),
            `${served.lists} x ${(listBytes / 1024 / 1024).toFixed(1)} MiB`,
            String(served.refused),
          ],
        ],
      },
    ],
    goals,
    notes: [
      'The quiet tenant is timed on the same machine as the noise, which shares its cores with the benchmark: ' +
        "the ratio shows what the noisy tenant's limits leave to the others, on this machine.",
    ],
    data: { options, figures: { alone, loaded, ratio }, served, listBytes, quietErrors },
  };
}
