/** The report: what every suite returns, and how it is written as Markdown and as JSON. */
import type { Figure } from './stats.js';

/** A goal from the issue, judged on the median of its figure. */
export interface Goal {
  /** What is compared, e.g. "`@sgi/client` vs openapi-fetch, stubbed fetch". */
  name: string;
  /** `max`: the figure must be at most `limit`; `min`: at least `limit`. */
  kind: 'max' | 'min';
  /** The limit. */
  limit: number;
  /** Unit for printing: `x` for ratios, or `us`, `ms`, `s`, `kB`, `req/s`, `errors`. */
  unit: string;
  /** The measured figure (its median is judged). */
  figure: Figure;
}

/** The goal every load benchmark sets: no error at all (`errors` counted over its runs, or per run in `figure`). */
export function noErrorsGoal(name: string, figure: Figure): Goal {
  return { name, kind: 'max', limit: 0, unit: 'errors', figure };
}

/** A goal with its verdict. */
export interface JudgedGoal extends Goal {
  /** Whether the median meets the limit. */
  met: boolean;
  /**
   * How far the median is from the limit, as a fraction of the limit (positive: headroom; negative:
   * missed by); `null` when the limit is 0 (such as "0 errors"), where a fraction means nothing.
   */
  margin: number | null;
  /** Whether the per-round range crosses the limit (some rounds met it, some did not). */
  straddles: boolean;
}

/** A table of the report; cells are already formatted. */
export interface Table {
  /** Optional caption above the table. */
  caption?: string;
  columns: string[];
  rows: string[][];
}

/** What one benchmark suite returns. */
export interface SuiteResult {
  /** Stable id, e.g. `client-stub`. */
  id: string;
  /** Section title. */
  title: string;
  /** How it was measured, one paragraph. */
  method: string;
  /** Formatted tables. */
  tables: Table[];
  /** Goals from the issue and their figures. */
  goals: Goal[];
  /** Findings and caveats, one bullet each. */
  notes: string[];
  /** The raw figures, for `benchmarks.json`. */
  data: unknown;
  /** Set when the suite could not run (what is missing); then tables may be empty. */
  skipped?: string;
}

/** The machine and run the figures come from. */
export interface RunInfo {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  loadStart: number[];
  loadEnd: number[];
  /** The 1-minute load average, sampled every 10 s during the run. */
  load: Figure;
  durationSec: number;
  versions: Record<string, string>;
}

/** The whole report. */
export interface Report {
  run: RunInfo;
  method: string[];
  suites: SuiteResult[];
}

/** Judges a goal on its median. */
export function judge(goal: Goal): JudgedGoal {
  const m = goal.figure.median;
  const met = goal.kind === 'max' ? m <= goal.limit : m >= goal.limit;
  const margin =
    goal.limit === 0
      ? null
      : goal.kind === 'max'
        ? (goal.limit - m) / goal.limit
        : (m - goal.limit) / goal.limit;
  const straddles =
    goal.figure.min <= goal.limit && goal.limit <= goal.figure.max && goal.figure.min !== goal.figure.max;
  return { ...goal, met, margin, straddles };
}

/** Formats a number with about three significant digits (1234 -> "1,234", 12.345 -> "12.3", 1.2345 -> "1.23"). */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats a value with its unit: ratios as `1.23x`, others as `12.3 us`. */
export function withUnit(value: number, unit: string): string {
  return unit === 'x' ? `${num(value)}x` : `${num(value)} ${unit}`;
}

/** Formats a figure as its median and, when there is a spread, its per-round range: `1.62x (1.55-1.70)`. */
export function fig(f: Figure, unit: string): string {
  const head = withUnit(f.median, unit);
  if (f.n < 2 || f.min === f.max) return head;
  return `${head} (${num(f.min)}–${num(f.max)})`;
}

function verdict(g: JudgedGoal): string {
  let base: string;
  if (g.margin === null) base = g.met ? 'met' : '**missed**';
  else {
    const pct = `${num(Math.abs(g.margin) * 100)} %`;
    base = g.met ? `met, ${pct} headroom` : `**missed by ${pct}**`;
  }
  return g.straddles ? `${base}; rounds on both sides` : base;
}

function table(t: Table): string {
  const esc = (cell: string) => cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `| ${t.columns.map(esc).join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
  return t.caption ? `${t.caption}\n\n${lines.join('\n')}` : lines.join('\n');
}

function goalRows(suites: readonly SuiteResult[]): string[][] {
  return suites.flatMap((s) =>
    s.goals.map((goal) => {
      const g = judge(goal);
      const limit = `${g.kind === 'max' ? '≤' : '≥'} ${withUnit(g.limit, g.unit)}`;
      return [s.title, g.name, limit, fig(g.figure, g.unit), verdict(g)];
    }),
  );
}

/** Renders the report as Markdown. */
export function renderMarkdown(report: Report): string {
  const { run } = report;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push(
    'Generated by `pnpm bench` (the `bench` task of `packages/bench`); do not edit by hand. ' +
      'The same figures are in `benchmarks.json`. Every figure is the median of its per-round values, ' +
      'with the range over the rounds in brackets.',
  );
  out.push('## Machine and run');
  out.push(
    table({
      columns: ['', ''],
      rows: [
        ['date', run.date],
        ['CPU', `${run.cpuModel}, ${run.cores} cores`],
        ['memory', `${num(run.memoryGiB)} GiB`],
        ['OS', run.os],
        ['Node.js', run.node],
        ['load average (1, 5, 15 min) at start', run.loadStart.map(num).join(', ')],
        ['load average (1, 5, 15 min) at end', run.loadEnd.map(num).join(', ')],
        [
          '1-min load average during the run (every 10 s)',
          `median ${num(run.load.median)}, range ${num(run.load.min)}–${num(run.load.max)} (${run.cores} cores)`,
        ],
        ['duration of the run', `${num(run.durationSec)} s`],
      ],
    }),
  );
  out.push('### Versions');
  out.push(
    table({ columns: ['package', 'version'], rows: Object.entries(run.versions).map(([k, v]) => [k, v]) }),
  );
  out.push('## Method');
  out.push(report.method.map((m) => `- ${m}`).join('\n'));
  out.push('## Goals');
  const rows = goalRows(report.suites);
  out.push(
    rows.length > 0
      ? table({ columns: ['benchmark', 'goal', 'limit', 'measured', 'verdict'], rows })
      : 'No goal could be judged in this run.',
  );
  report.suites.forEach((s, i) => {
    out.push(`## ${i + 1}. ${s.title}`);
    if (s.skipped) out.push(`Not measured in this run: ${s.skipped}`);
    out.push(s.method);
    for (const t of s.tables) out.push(table(t));
    if (s.notes.length > 0) out.push(s.notes.map((n) => `- ${n}`).join('\n'));
  });
  return `${out.join('\n\n')}\n`;
}

/** Rounds every non-integer number in `value` to four significant digits, so the JSON stays readable. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isInteger(value) || !Number.isFinite(value) ? value : Number(value.toPrecision(4));
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  }
  return value;
}

/**
 * The report as the JSON written to `benchmarks.json`: the same figures, unformatted (four significant
 * digits), with verdicts.
 */
export function toJson(report: Report): unknown {
  return rounded({
    run: report.run,
    method: report.method,
    suites: report.suites.map((s) => ({
      id: s.id,
      title: s.title,
      skipped: s.skipped ?? null,
      goals: s.goals.map(judge),
      data: s.data,
      notes: s.notes,
    })),
  });
}
