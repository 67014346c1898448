/** 6. Developer loop: how long `pnpm test` and a rebuild with nothing changed take. */
import { start } from '../process.js';
import { fig, type Goal, type SuiteResult } from '../report.js';
import { type Figure, summarize } from '../stats.js';
import type { SuiteContext } from '../suite.js';

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
}

/** Reads what a `turbo run` printed: the tests passed (summed over vitest reports) and the cache hits. */
export function readTurboOutput(output: string): Pick<CommandRun, 'testsPassed' | 'cached'> {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  let testsPassed = 0;
  for (const m of plain.matchAll(/\bTests\s+(?:\d+ failed \| )?(\d+) passed/g)) testsPassed += Number(m[1]);
  const c = plain.match(/Cached:\s+(\d+) cached, (\d+) total/);
  return c ? { testsPassed, cached: [Number(c[1]), Number(c[2])] } : { testsPassed };
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
  const fill = await timed('pnpm', ['test'], ctx.root);
  const failures: string[] = [];
  if (fill.exitCode !== 0) failures.push(`\`pnpm test\` failed (exit ${fill.exitCode}): ${fill.tail}`);
  for (let round = 0; round < options.rounds; round++) {
    ctx.log(`devloop: round ${round + 1} of ${options.rounds}`);
    const order = (['node', 'build', 'test'] as const).slice();
    if (round % 2 === 1) order.reverse();
    for (const key of order) runs[key].push(await timed(steps[key][0], steps[key][1], ctx.root));
  }
  let forced: CommandRun | undefined;
  if (options.forcedTest) {
    ctx.log('devloop: pnpm test --force (every task runs)');
    forced = await timed('pnpm', ['test', '--force'], ctx.root);
    if (forced.exitCode !== 0)
      failures.push(`\`pnpm test --force\` failed (exit ${forced.exitCode}): ${forced.tail}`);
  }

  const secs = (r: CommandRun[]) => summarize(r.map((x) => x.seconds));
  const nodeStart = secs(runs.node);
  const build = secs(runs.build);
  const cachedTest = secs(runs.test);
  const perNode = (r: CommandRun[]): Figure =>
    summarize(r.map((x, i) => x.seconds / (runs.node[i] as CommandRun).seconds));
  const cacheNote = (r: CommandRun[]) => {
    const c = r[0]?.cached;
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
  if (forced) {
    goals.push({
      name: '`pnpm test`, warm (every task runs)',
      kind: 'max',
      limit: 90,
      unit: 's',
      figure: summarize([forced.seconds]),
    });
  }
  return {
    id: 'devloop',
    title: 'Developer loop',
    method:
      'Run from the workspace root with dependencies installed and everything built. `pnpm test` runs once to ' +
      `fill turbo's cache; then ${options.rounds} rounds each time \`node -e 0\` (the baseline), \`pnpm build\` ` +
      'and `pnpm test` with nothing changed (turbo replays its cache). Last, `pnpm test --force` runs every task ' +
      "again without the cache: lint, builds, type checks and every package's tests, as CI does after installing. " +
      'That last run is one sample: it takes a large share of the whole benchmark run.',
    tables: [{ columns: ['command', 'wall time', 'x node start', ''], rows }],
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
