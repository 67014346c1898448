/**
 * 8. The sandbox's model endpoint: the p50 latency of a plain chat completion and the throughput of
 * streamed ones (whole streams per second, and tokens per second), against a minimal Node server
 * answering the same bytes, in the same round.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { type Child, start, waitForOutput } from '../process.js';
import { fig, type Goal, noErrorsGoal, type SuiteResult } from '../report.js';
import { startSandbox } from '../servers/sandbox.js';
import { median, ratios, roundOrder, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';

const token = 'bench-endpoint-token';
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const ask = (stream: boolean) =>
  JSON.stringify({
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    messages: [{ role: 'user', content: 'Tell me about rivers.' }],
    seed: 1,
    ...(stream ? { stream: true } : {}),
  });

interface Run {
  reqPerSec: number;
  p50: number;
  errors: number;
}

/** Loads `url` with POSTs of `body` for `seconds`; times every 2xx answer itself. */
function post(url: string, body: string, connections: number, seconds: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon(
      { url, connections, duration: seconds, method: 'POST', headers: auth, body },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          reqPerSec: result.requests.total / (result.duration || seconds),
          p50: times.length > 0 ? median(times) : Number.NaN,
          errors: result.errors + result.timeouts + result.non2xx,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
}

/** Starts the sandbox with an ACTIVE llm deployment; its chat URL. */
async function sandbox(spawned: (child: Child) => void): Promise<string> {
  const origin = await startSandbox([], spawned, auth);
  const res = await fetch(`${origin}/sg_inf/create`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      name: 'bench-llm',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      inf_type: 'llm',
      controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
    }),
  });
  const id = ((await res.json()) as { message: { inf_id: string } }).message.inf_id;
  for (let i = 0; i < 100; i++) {
    const got = (await (await fetch(`${origin}/sg_inf/${id}`, { headers: auth })).json()) as {
      message: { status: string; link: string };
    };
    if (got.message.status === 'ACTIVE') return `${got.message.link}/inference/v1/chat/completions`;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the bench deployment never became ACTIVE');
}

/** Starts the minimal server answering `plain` and `stream`; its chat URL. */
async function floor(plain: string, stream: string, spawned: (child: Child) => void): Promise<string> {
  const script = fileURLToPath(new URL('../servers/endpoint-server.js', import.meta.url));
  const child = start(process.execPath, [script], {
    SGI_BENCH_PLAIN: Buffer.from(plain).toString('base64'),
    SGI_BENCH_STREAM: Buffer.from(stream).toString('base64'),
  });
  spawned(child);
  const [, port] = await waitForOutput(child, /listening (\d+)/);
  return `http://127.0.0.1:${port}/v1/chat/completions`;
}

/** Runs benchmark 8. */
export async function endpoint(ctx: SuiteContext): Promise<SuiteResult> {
  const options = ctx.quick
    ? { rounds: 1, warmupSec: 0.5, seconds: 0.5, connections: [1, 10] }
    : { rounds: 5, warmupSec: 0.5, seconds: 1.5, connections: [1, 10] };
  const children: Child[] = [];
  const spawned = (child: Child) => children.push(child);
  const stopAll = async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  };
  const kinds = ['sandbox', 'floor'] as const;
  const plain: Record<string, Record<number, Run[]>> = {
    sandbox: Object.fromEntries(options.connections.map((c) => [c, []])),
    floor: Object.fromEntries(options.connections.map((c) => [c, []])),
  };
  const streams: Record<string, Run[]> = { sandbox: [], floor: [] };
  let tokensPerStream = 0;
  let errors = 0;
  ctx.log(`endpoint: ${options.rounds} rounds (sandbox endpoint vs a minimal server with the same bytes)`);
  try {
    const sandboxUrl = await sandbox(spawned);
    // The bytes the floor answers: the sandbox's own answers to the same requests.
    const plainBytes = await (
      await fetch(sandboxUrl, { method: 'POST', headers: auth, body: ask(false) })
    ).text();
    const streamBytes = await (
      await fetch(sandboxUrl, { method: 'POST', headers: auth, body: ask(true) })
    ).text();
    tokensPerStream = streamBytes
      .split('\n\n')
      .filter((e) => e.includes('"content":"') && !e.includes('"content":""')).length;
    const floorUrl = await floor(plainBytes, streamBytes, spawned);
    const urls = { sandbox: sandboxUrl, floor: floorUrl };
    for (const kind of kinds) {
      await post(urls[kind], ask(false), 10, options.warmupSec);
      await post(urls[kind], ask(true), 10, options.warmupSec);
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const index of roundOrder(2, round)) {
        const kind = kinds[index] as (typeof kinds)[number];
        for (const connections of options.connections) {
          const run = await post(urls[kind], ask(false), connections, options.seconds);
          plain[kind]?.[connections]?.push(run);
          errors += run.errors;
        }
        const run = await post(urls[kind], ask(true), 10, options.seconds);
        streams[kind]?.push(run);
        errors += run.errors;
      }
    }
  } finally {
    await stopAll();
  }

  const rows: string[][] = [];
  const goals: Goal[] = [];
  const figures: Record<string, unknown> = { tokensPerStream };
  for (const connections of options.connections) {
    const s = plain.sandbox?.[connections] ?? [];
    const f = plain.floor?.[connections] ?? [];
    const ratio = summarize(
      ratios(
        s.map((r) => r.p50),
        f.map((r) => r.p50),
      ),
    );
    figures[`plain-c${connections}`] = {
      sandbox: summarize(s.map((r) => r.p50)),
      floor: summarize(f.map((r) => r.p50)),
      ratio,
    };
    rows.push([
      `plain chat, ${connections} connection(s)`,
      fig(summarize(s.map((r) => r.p50)), 'ms'),
      fig(summarize(f.map((r) => r.p50)), 'ms'),
      fig(ratio, 'x'),
      fig(summarize(s.map((r) => r.reqPerSec)), 'req/s'),
      fig(summarize(f.map((r) => r.reqPerSec)), 'req/s'),
      fig(
        summarize(
          ratios(
            s.map((r) => r.reqPerSec),
            f.map((r) => r.reqPerSec),
          ),
        ),
        'x',
      ),
    ]);
  }
  const s = streams.sandbox ?? [];
  const f = streams.floor ?? [];
  const throughput = summarize(
    ratios(
      s.map((r) => r.reqPerSec),
      f.map((r) => r.reqPerSec),
    ),
  );
  figures.stream = {
    sandbox: summarize(s.map((r) => r.reqPerSec)),
    floor: summarize(f.map((r) => r.reqPerSec)),
    ratio: throughput,
    sandboxTokensPerSec: summarize(s.map((r) => r.reqPerSec * tokensPerStream)),
    floorTokensPerSec: summarize(f.map((r) => r.reqPerSec * tokensPerStream)),
  };
  rows.push([
    'streamed chat, 10 connections',
    fig(summarize(s.map((r) => r.p50)), 'ms'),
    fig(summarize(f.map((r) => r.p50)), 'ms'),
    fig(
      summarize(
        ratios(
          s.map((r) => r.p50),
          f.map((r) => r.p50),
        ),
      ),
      'x',
    ),
    fig(summarize(s.map((r) => r.reqPerSec)), 'streams/s'),
    fig(summarize(f.map((r) => r.reqPerSec)), 'streams/s'),
    fig(throughput, 'x'),
  ]);
  rows.push([
    `streamed chat, in tokens (${tokensPerStream} a stream)`,
    '–',
    '–',
    '–',
    fig(summarize(s.map((r) => r.reqPerSec * tokensPerStream)), 'tokens/s'),
    fig(summarize(f.map((r) => r.reqPerSec * tokensPerStream)), 'tokens/s'),
    fig(throughput, 'x'),
  ]);
  goals.push(noErrorsGoal('endpoint errors (all runs)', summarize([errors])));
  return {
    id: 'endpoint',
    title: "Sandbox: a deployment's model endpoint",
    method:
      'One sandbox process (memory store) with an ACTIVE `llm` deployment, and a minimal `node:http` server in ' +
      "its own process answering the sandbox's own bytes for the same requests (the plain JSON answer, and the " +
      'stream of server-sent events written one event at a time). In every round (the order alternates), ' +
      `autocannon POSTs the same chat completion for ${options.seconds} s at ${options.connections.join(' and ')} ` +
      `connection(s), then the same request with \`"stream": true\` at 10 connections (${tokensPerStream} tokens a ` +
      'stream, no simulated latency); p50 is each 2xx answer (a whole stream) timed by autocannon, throughput the ' +
      '2xx answers (whole streams) per second. The ratios are sandbox / minimal server in the same round (p50: ' +
      `above 1 is slower; throughput: below 1 is fewer). ${options.rounds} rounds.`,
    tables: [
      {
        columns: [
          'request',
          'p50, sandbox',
          'p50, minimal server',
          'p50 sandbox / minimal',
          'throughput, sandbox',
          'throughput, minimal',
          'throughput sandbox / minimal',
        ],
        rows,
      },
    ],
    goals,
    notes: [
      "The sandbox's time buys: the hosting layer (tenant, limits, request log), the deployment's lookup in the " +
        'store, the request checked against the endpoint spec, the answer generated, and every answer and chunk ' +
        'checked against the spec before it is sent.',
      `Streaming throughput in tokens: streams per second times the ${tokensPerStream} tokens of a stream (the same for both).`,
    ],
    data: { options, figures, errors },
  };
}
