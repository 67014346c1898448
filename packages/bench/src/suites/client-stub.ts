/** 1. Client call overhead with a stubbed `fetch`: no network, only what each client does around a call. */
import { deploymentId, responseBody } from '../body.js';
import { interleave } from '../interleave.js';
import { type ProfileSummary, profileCalls, profileTables } from '../profile.js';
import { fig, type Goal, type SuiteResult } from '../report.js';
import { type Fetch, floor, openapiFetch, type Subject, subjects } from '../subjects.js';
import type { SuiteContext } from '../suite.js';
import { clientFigures, ratioGoal } from './clients.js';

/** A `fetch` that answers every request at once with a fresh 200 JSON response of `body`. */
export function stubFetch(body: string): Fetch {
  const init = { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req_bench' } };
  return (async () => new Response(body, init)) as Fetch;
}

/** Runs benchmark 1; `profiled` are the subjects whose loop is also profiled. */
export async function clientStub(ctx: SuiteContext, profiled: readonly Subject[] = []): Promise<SuiteResult> {
  const fetch = stubFetch(responseBody());
  const origin = 'http://127.0.0.1:9';
  const candidates = subjects.map((s) => ({ name: s.name, call: s.make(origin, fetch) }));
  const options = ctx.quick
    ? { rounds: 3, warmup: 200, turns: 5, calls: 50, timing: 'cpu' as const }
    : { rounds: 15, warmup: 3000, turns: 20, calls: 100, timing: 'cpu' as const };
  ctx.log(`client-stub: ${options.rounds} rounds x ${candidates.length} clients`);
  const rounds = await interleave(candidates, options);
  const figures = clientFigures(
    rounds,
    subjects.map((s) => s.name),
    floor.name,
  );

  const profiles: Record<string, ProfileSummary> = {};
  for (const s of profiled) {
    ctx.log(`client-stub: profiling ${s.name}`);
    profiles[s.name] = await profileCalls(s.make(origin, fetch), ctx.quick ? 200 : 2000);
  }

  const sgi = subjects.find((s) => s.name === '@sgi/client');
  const goals = sgi
    ? ([
        ratioGoal(rounds, '`@sgi/client` / openapi-fetch', sgi.name, openapiFetch.name, 'max', 0.8),
        ratioGoal(rounds, 'openai / `@sgi/client`', 'openai', sgi.name, 'min', 1.8),
        ratioGoal(rounds, '@anthropic-ai/sdk / `@sgi/client`', '@anthropic-ai/sdk', sgi.name, 'min', 1.8),
      ].filter(Boolean) as Goal[])
    : [];

  return {
    id: 'client-stub',
    title: 'Client call overhead, stubbed fetch',
    method:
      `Each client is built once on a stub \`fetch\` that returns a fresh \`Response\` of the spec's ` +
      `\`DeploymentActive\` example (${responseBody().length} bytes of JSON) without any I/O, and makes one GET ` +
      `of one resource with the body parsed (\`inference.get(id)\` or its equivalent). ` +
      `After ${options.warmup} warm-up calls each, ${options.rounds} rounds; in each round the clients take ` +
      `${options.turns} turns each, alternating, of ${options.calls} sequential calls, each turn timed on the ` +
      "process's CPU time. A round's figure for a client is the CPU time per call of its cheapest turn: the " +
      'turn least disturbed by other processes, which on this shared machine inflate most turns by thrashing ' +
      'caches (the last column gives the ratio of the median turns instead, to show how much). Ratios are ' +
      'against the floor (the stub plus `json()`) of the same round.',
    tables: [
      {
        columns: ['client', 'one call', 'CPU per call (us)', 'x floor', 'median turn x floor'],
        rows: figures.map((f) => {
          const s = subjects.find((x) => x.name === f.name) as Subject;
          return [s.name, s.call, fig(f.value, 'us'), fig(f.valueRatio, 'x'), fig(f.medianRatio, 'x')];
        }),
      },
      ...Object.entries(profiles).flatMap(([name, p]) => profileTables(name, p)),
    ],
    goals,
    notes: [
      `Deployment id asked for: \`${deploymentId}\`; the SDKs ask for a model id and get the same body back.`,
      'Measured beforehand on this machine kind: openapi-fetch ~1.6x the floor, the two SDKs ~3.1-3.4x.',
    ],
    data: { options, figures, profiles },
  };
}
