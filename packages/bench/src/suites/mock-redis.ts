/**
 * 5. The sandbox with its Redis store: the p50 latency of the sandbox with the Redis store against the
 * in-memory store (1 and 10 connections), and the throughput of 3 sandbox processes sharing one Redis
 * against 1 process (30 connections in all), next to the machine's core count.
 */
import { cpus } from 'node:os';
import { startRedis, type TestRedis } from '@sgi/testing';
import type { Child } from '../process.js';
import { fig, type Goal, noErrorsGoal, type SuiteResult } from '../report.js';
import { startSandbox } from '../servers/sandbox.js';
import { ratios, roundOrder, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';
import { createDeployment, type LoadRun, load } from './mock.js';

/** Loads several servers at once, `connections` each, for `seconds`; the runs of each. */
function loadAll(urls: readonly string[], connections: number, seconds: number): Promise<LoadRun[]> {
  return Promise.all(urls.map((url) => load(url, connections, seconds)));
}

/** Runs benchmark 5. */
export async function mockRedis(ctx: SuiteContext): Promise<SuiteResult> {
  const options = ctx.quick
    ? { rounds: 1, warmupSec: 0.5, seconds: 0.5, connections: [1, 10], scaleConnections: 30 }
    : { rounds: 5, warmupSec: 0.5, seconds: 1.5, connections: [1, 10], scaleConnections: 30 };
  const cores = cpus().length;
  const children: Child[] = [];
  const spawned = (child: Child) => children.push(child);
  const stopAll = async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
  };
  let redis: TestRedis | undefined;
  const latency: Record<'memory' | 'redis', Record<number, LoadRun[]>> = {
    memory: Object.fromEntries(options.connections.map((c) => [c, []])),
    redis: Object.fromEntries(options.connections.map((c) => [c, []])),
  };
  const scale: Record<'one' | 'three', number[]> = { one: [], three: [] };
  const errors: Record<string, number> = { memory: 0, redis: 0, one: 0, three: 0 };
  try {
    // The everyday Redis settings: the append-only file synced every second.
    redis = await startRedis({ appendfsync: 'everysec' });
    const store = ['--store', redis.url];
    ctx.log(`mock-redis: ${options.rounds} rounds (memory vs redis store; 1 vs 3 replicas), ${cores} cores`);
    for (let round = 0; round < options.rounds; round++) {
      // Latency: the same GET of one deployment, on a sandbox with each store.
      for (const index of roundOrder(2, round)) {
        const kind = index === 0 ? 'memory' : 'redis';
        try {
          const origin = await startSandbox(kind === 'redis' ? store : [], spawned);
          const url = origin + (await createDeployment(origin));
          await load(url, 10, options.warmupSec);
          for (const connections of options.connections) {
            const run = await load(url, connections, options.seconds);
            latency[kind][connections]?.push(run);
            errors[kind] = (errors[kind] ?? 0) + run.errors;
          }
        } finally {
          await stopAll();
        }
      }
      // Throughput: 30 connections on one replica, or 10 on each of three sharing one Redis.
      for (const index of roundOrder(2, round)) {
        const kind = index === 0 ? 'one' : 'three';
        try {
          const origins = await Promise.all(
            Array.from({ length: kind === 'one' ? 1 : 3 }, () => startSandbox(store, spawned)),
          );
          // One deployment, created through the first replica and read through every one.
          const path = await createDeployment(origins[0] as string);
          const urls = origins.map((o) => o + path);
          const per = options.scaleConnections / urls.length;
          await loadAll(urls, per, options.warmupSec);
          const runs = await loadAll(urls, per, options.seconds);
          scale[kind].push(runs.reduce((sum, r) => sum + r.reqPerSec, 0));
          errors[kind] = (errors[kind] ?? 0) + runs.reduce((sum, r) => sum + r.errors, 0);
        } finally {
          await stopAll();
        }
      }
    }
  } finally {
    await stopAll();
    await redis?.close();
  }

  const rows: string[][] = [];
  const goals: Goal[] = [];
  const figures: Record<string, unknown> = {};
  for (const connections of options.connections) {
    const memory = latency.memory[connections] ?? [];
    const onRedis = latency.redis[connections] ?? [];
    const ratio = summarize(
      ratios(
        onRedis.map((r) => r.p50),
        memory.map((r) => r.p50),
      ),
    );
    figures[`c${connections}`] = {
      memory: summarize(memory.map((r) => r.p50)),
      redis: summarize(onRedis.map((r) => r.p50)),
      ratio,
    };
    rows.push([
      String(connections),
      fig(summarize(memory.map((r) => r.p50)), 'ms'),
      fig(summarize(onRedis.map((r) => r.p50)), 'ms'),
      fig(ratio, 'x'),
      fig(summarize(memory.map((r) => r.reqPerSec)), 'req/s'),
      fig(summarize(onRedis.map((r) => r.reqPerSec)), 'req/s'),
    ]);
    goals.push({
      name: `sandbox p50 with the Redis store / memory store, ${connections} connection(s)`,
      kind: 'max',
      limit: 1.3,
      unit: 'x',
      figure: ratio,
    });
  }
  const scaleRatio = summarize(ratios(scale.three, scale.one));
  figures.replicas = {
    one: summarize(scale.one),
    three: summarize(scale.three),
    ratio: scaleRatio,
    cores,
  };
  goals.push(
    noErrorsGoal(
      'sandbox errors with the Redis store (all runs)',
      summarize([(errors.redis ?? 0) + (errors.one ?? 0) + (errors.three ?? 0)]),
    ),
  );
  return {
    id: 'mock-redis',
    title: 'Sandbox on Redis: store latency and replicas',
    method:
      "A redis-server of the benchmark's own on 127.0.0.1 (append-only file, `appendfsync everysec`). Latency: " +
      'a sandbox process with the in-memory store and one with `--store redis://...` are started afresh in every ' +
      `round (the order alternates); after ${options.warmupSec} s of warm-up, autocannon sends GETs of one ` +
      `deployment for ${options.seconds} s at each of ${options.connections.join(' and ')} connection(s); p50 is ` +
      "every 2xx response's own time, and the ratio is against the memory store in the same round. Replicas: " +
      `${options.scaleConnections} connections on one sandbox process, or ${options.scaleConnections / 3} on each ` +
      'of three processes sharing the Redis, all reading one deployment created through the first; the ratio is ' +
      `the summed throughput of three over one, in the same round. ${options.rounds} rounds.`,
    tables: [
      {
        columns: [
          'connections',
          'p50, memory store',
          'p50, Redis store',
          'p50 Redis / memory',
          'throughput, memory',
          'throughput, Redis',
        ],
        rows,
      },
      {
        caption: `Replicas sharing one Redis, ${options.scaleConnections} connections in all (${cores} cores):`,
        columns: ['replicas', 'throughput', 'x 1 replica', 'cores'],
        rows: [
          ['1', fig(summarize(scale.one), 'req/s'), '1', String(cores)],
          ['3', fig(summarize(scale.three), 'req/s'), fig(scaleRatio, 'x'), String(cores)],
        ],
      },
    ],
    goals,
    notes: [
      `This machine has ${cores} cores, shared by autocannon, Redis and every sandbox process: three replicas ` +
        'on it show the overhead of sharing state, not how the sandbox scales over machines.',
    ],
    data: { options, figures, errors, cores },
  };
}
