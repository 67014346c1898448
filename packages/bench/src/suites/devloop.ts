/** 6. Developer loop: how long `pnpm test` and a rebuild with nothing changed take. */
import { readFileSync, rmSync } from 'node:fs';
import { start } from '../process.js';
import { fig, type Goal, type SuiteResult } from '../report.js';
import { type Figure, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';

/** One task of a turbo run, from its run summary (`--summarize`). */
export interface TaskTiming {
  task: string;
  /** Seconds from the start of the run to the task's start. */
  startSec: number;
  seconds: number;
  cache: string;
}

/** The tasks of a turbo run summary, longest first. */
export function taskTimings(summary: {
  execution?: { startTime?: number };
  tasks?: Array<{
    taskId?: string;
    execution?: { startTime?: number; endTime?: number };
    cache?: { status?: string };
  }>;
}): TaskTiming[] {
  const t0 = summary.execution?.startTime ?? 0;
  return (summary.tasks ?? [])
    .filter((t) => t.execution?.startTime !== undefined && t.execution?.endTime !== undefined)
    .map((t) => ({
      task: t.taskId ?? '?',
      startSec: ((t.execution?.startTime ?? 0) - t0) / 1000,
      seconds: ((t.execution?.endTime ?? 0) - (t.execution?.startTime ?? 0)) / 1000,
      cache: t.cache?.status ?? '',
    }))
    .sort((a, b) => b.seconds - a.seconds);
}

/** One timed command run. */
interface CommandRun {
  seconds: number;
  exitCode: number | null;
  /** The last lines it printed, for the report when it failed. */
  tail: string;
  /** Tests passed, summed over every vitest report it printed. */
  testsPassed: number;
  /** turbo's "Cached: N cached, M total" (N and M), when printed. */
  cached?: [number, number];
  /** The run summary turbo wrote (`--summarize`), when it printed where. */
  summaryPath?: string;
}

/** Reads what a `turbo run` printed: the tests passed (summed over vitest reports) and the cache hits. */
export function readTurboOutput(output: string): Pick<CommandRun, 'testsPassed' | 'cached' | 'summaryPath'> {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  let testsPassed = 0;
  for (const m of plain.matchAll(/\bTests\s+(?:\d+ failed \| )?(\d+) passed/g)) testsPassed += Number(m[1]);
  const c = plain.match(/Cached:\s+(\d+) cached, (\d+) total/);
  const summary = plain.match(/Summary:\s+(\S+\.json)/)?.[1];
  return {
    testsPassed,
    ...(c ? { cached: [Number(c[1]), Number(c[2])] as [number, number] } : {}),
    ...(summary ? { summaryPath: summary } : {}),
  };
}

async function timed(command: string, args: readonly string[], cwd: string): Promise<CommandRun> {
  const since = performance.now();
  const child = start(command, args, { CI: process.env.CI ?? '', FORCE_COLOR: '0' }, cwd);
  const exitCode = await new Promise<number | null>((resolve) =>
    child.proc.once('exit', (code) => resolve(code)),
  );
  const seconds = (performance.now() - since) / 1000;
  const output = child.output();
  return {
    seconds,
    exitCode,
    tail: output.trim().split('\n').slice(-5).join(' / '),
    ...readTurboOutput(output),
  };
}

/**
 * The goal of a `pnpm test --force` run: judged only when the run passed. A run that stopped at its
 * first failure is quick and says nothing about the suite's time, so it has no figure to meet a goal with.
 */
export function goalOfForcedRun(forced: { seconds: number; exitCode: number | null }): Goal | undefined {
  if (forced.exitCode !== 0) return undefined;
  return {
    name: '`pnpm test --force` (every task runs)',
    kind: 'max',
    limit: 45,
    unit: 's',
    figure: summarize([forced.seconds]),
  };
}

/** What a command printed, with the workspace's folder on this machine written as `.`. */
export function withoutFolder(text: string, root: string): string {
  return root ? text.split(root).join('.') : text;
}

/** Runs benchmark 6 (from the workspace root; it runs the whole test suite once). */
export async function devloop(ctx: SuiteContext): Promise<SuiteResult> {
  const options = ctx.quick ? { rounds: 1, forcedTest: false } : { rounds: 3, forcedTest: true };
  const steps = {
    node: ['node', ['-e', '0']] as const,
    build: ['pnpm', ['build']] as const,
    test: ['pnpm', ['test']] as const,
  };
  const runs: Record<keyof typeof steps, CommandRun[]> = { node: [], build: [], test: [] };
  ctx.log('devloop: filling the turbo cache (pnpm test)');
  const failures: string[] = [];
  // A second try when the first fails (a flaky test on a loaded machine), so the cache is really warm.
  for (let attempt = 1; attempt <= 2; attempt++) {
    const fill = await timed('pnpm', ['test'], ctx.root);
    if (fill.exitCode === 0) break;
    failures.push(
      `\`pnpm test\` (try ${attempt} to fill the cache) failed (exit ${fill.exitCode}): ${withoutFolder(fill.tail, ctx.root)}`,
    );
  }
  for (let round = 0; round < options.rounds; round++) {
    ctx.log(`devloop: round ${round + 1} of ${options.rounds}`);
    const order = (['node', 'build', 'test'] as const).slice();
    if (round % 2 === 1) order.reverse();
    for (const key of order) runs[key].push(await timed(steps[key][0], steps[key][1], ctx.root));
  }
  let forced: CommandRun | undefined;
  if (options.forcedTest) {
    ctx.log('devloop: pnpm test --force (every task runs)');
    forced = await timed('pnpm', ['test', '--force', '--summarize'], ctx.root);
    if (forced.exitCode !== 0)
      failures.push(
        `\`pnpm test --force\` failed (exit ${forced.exitCode}): ${withoutFolder(forced.tail, ctx.root)}`,
      );
  }
  let tasks: TaskTiming[] = [];
  if (forced?.summaryPath) {
    try {
      tasks = taskTimings(JSON.parse(readFileSync(forced.summaryPath, 'utf8')));
    } finally {
      rmSync(forced.summaryPath, { force: true });
    }
  }

  const secs = (r: CommandRun[]) => summarize(r.map((x) => x.seconds));
  const nodeStart = secs(runs.node);
  const build = secs(runs.build);
  const cachedTest = secs(runs.test);
  const perNode = (r: CommandRun[]): Figure =>
    summarize(r.map((x, i) => x.seconds / (runs.node[i] as CommandRun).seconds));
  const cacheNote = (r: CommandRun[]) => {
    const c = r[r.length - 1]?.cached;
    return c ? `${c[0]} of ${c[1]} tasks from turbo's cache` : '';
  };
  const rows: string[][] = [
    ['`node -e 0` (baseline: start one process)', fig(nodeStart, 's'), '1.00x', ''],
    ['`pnpm build`, nothing changed', fig(build, 's'), fig(perNode(runs.build), 'x'), cacheNote(runs.build)],
    [
      '`pnpm test`, nothing changed',
      fig(cachedTest, 's'),
      fig(perNode(runs.test), 'x'),
      cacheNote(runs.test),
    ],
  ];
  if (forced) {
    rows.push([
      '`pnpm test --force`: every task runs (lint, build, type checks, all tests)',
      `${forced.seconds.toFixed(1)} s`,
      '',
      `${forced.testsPassed} tests passed`,
    ]);
  }
  const goals: Goal[] = [
    { name: 'turbo rebuild, nothing changed', kind: 'max', limit: 3, unit: 's', figure: build },
  ];
  const forcedGoal = forced && goalOfForcedRun(forced);
  if (forcedGoal) goals.push(forcedGoal);
  return {
    id: 'devloop',
    title: 'Developer loop',
    method:
      'Run from the workspace root with dependencies installed and everything built. `pnpm test` runs once to ' +
      `fill turbo's cache; then ${options.rounds} rounds each time \`node -e 0\` (the baseline), \`pnpm build\` ` +
      'and `pnpm test` with nothing changed (turbo replays its cache). Last, `pnpm test --force` runs every task ' +
      "again without the cache: lint, builds, type checks and every package's tests, as CI does after installing. " +
      'That last run is one sample: it takes a large share of the whole benchmark run.',
    tables: [
      { columns: ['command', 'wall time', 'x node start', ''], rows },
      ...(tasks.length > 0
        ? [
            {
              caption:
                "Where `pnpm test --force` spends its time: its longest tasks, from turbo's run summary " +
                '(tasks run side by side on the two cores, so their times add up to more than the wall time):',
              columns: ['task', 'took', 'started after'],
              rows: tasks
                .slice(0, 10)
                .map((t) => [`\`${t.task}\``, `${t.seconds.toFixed(1)} s`, `${t.startSec.toFixed(1)} s`]),
            },
          ]
        : []),
    ],
    goals,
    notes: failures,
    data: {
      options,
      nodeStart,
      build,
      cachedTest,
      forced: forced
        ? { seconds: forced.seconds, exitCode: forced.exitCode, testsPassed: forced.testsPassed }
        : null,
    },
  };
}
