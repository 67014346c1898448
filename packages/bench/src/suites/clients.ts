/** What the two client benchmarks (stubbed fetch, loopback) share: turning rounds into figures and goals. */
import type { RoundFigures } from '../interleave.js';
import type { Goal } from '../report.js';
import { type Figure, ratios, summarize } from '../stats.js';

/** One client's figures: absolute (microseconds per call) and against the baseline of the same rounds. */
export interface ClientFigures {
  name: string;
  /** The per-round figure (see `InterleaveOptions.timing`). */
  value: Figure;
  p90: Figure;
  valueRatio: Figure;
  /** The per-round median sample against the baseline's. */
  medianRatio: Figure;
  p90Ratio: Figure;
}

function perRound(rounds: Map<string, RoundFigures[]>, name: string): RoundFigures[] {
  const r = rounds.get(name);
  if (!r) throw new Error(`no rounds for ${name}`);
  return r;
}

/** Figures of every client against `baseline`, in the order of `names`. */
export function clientFigures(
  rounds: Map<string, RoundFigures[]>,
  names: readonly string[],
  baseline: string,
): ClientFigures[] {
  const base = perRound(rounds, baseline);
  return names.map((name) => {
    const r = perRound(rounds, name);
    return {
      name,
      value: summarize(r.map((x) => x.value)),
      p90: summarize(r.map((x) => x.p90)),
      valueRatio: summarize(
        ratios(
          r.map((x) => x.value),
          base.map((x) => x.value),
        ),
      ),
      medianRatio: summarize(
        ratios(
          r.map((x) => x.median),
          base.map((x) => x.median),
        ),
      ),
      p90Ratio: summarize(
        ratios(
          r.map((x) => x.p90),
          base.map((x) => x.p90),
        ),
      ),
    };
  });
}

/** The per-round ratio of `a`'s figure to `b`'s (how many times slower `a` is than `b`). */
export function ratioBetween(rounds: Map<string, RoundFigures[]>, a: string, b: string): Figure {
  return summarize(
    ratios(
      perRound(rounds, a).map((x) => x.value),
      perRound(rounds, b).map((x) => x.value),
    ),
  );
}

/** Builds a goal on the per-round ratio `a / b`. */
export function ratioGoal(
  rounds: Map<string, RoundFigures[]>,
  name: string,
  a: string,
  b: string,
  kind: 'max' | 'min',
  limit: number,
): Goal | undefined {
  if (!rounds.has(a) || !rounds.has(b)) return undefined;
  return { name, kind, limit, unit: 'x', figure: ratioBetween(rounds, a, b) };
}
