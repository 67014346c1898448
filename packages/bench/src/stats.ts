/** Summary statistics for benchmark samples. Pure functions: no timing, no I/O. */

/** A figure as reported: the median of per-round values, with their spread. */
export interface Figure {
  /** Median of the per-round values. */
  median: number;
  /** Smallest per-round value. */
  min: number;
  /** Largest per-round value. */
  max: number;
  /** First quartile of the per-round values. */
  q1: number;
  /** Third quartile of the per-round values. */
  q3: number;
  /** How many per-round values the figure summarises. */
  n: number;
}

function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('no samples: a statistic needs at least one value');
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`sample is not a finite number: ${v}`);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * The `p`-quantile (0 <= p <= 1) of `values`, interpolating linearly between the closest ranks
 * (the method of R's default `quantile` type 7 and of NumPy's `percentile`).
 */
export function quantile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile must be between 0 and 1, got ${p}`);
  const s = sorted(values);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (pos - lo);
}

/** The median of `values` (the mean of the two middle values when their count is even). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The 90th percentile of `values`. */
export function p90(values: readonly number[]): number {
  return quantile(values, 0.9);
}

/** Median, quartiles and range of `values`: how a figure and its spread are reported. */
export function summarize(values: readonly number[]): Figure {
  const s = sorted(values);
  return {
    median: quantile(s, 0.5),
    min: s[0] as number,
    max: s[s.length - 1] as number,
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
    n: s.length,
  };
}

/** Element-wise ratios `values[i] / baseline[i]`: each round's figure against the baseline of that round. */
export function ratios(values: readonly number[], baseline: readonly number[]): number[] {
  if (values.length !== baseline.length) {
    throw new RangeError(
      `ratios need as many baseline rounds (${baseline.length}) as rounds (${values.length})`,
    );
  }
  return values.map((v, i) => {
    const b = baseline[i] as number;
    if (!(b > 0)) throw new RangeError(`baseline of round ${i + 1} is not positive: ${b}`);
    return v / b;
  });
}

/**
 * The order in which `count` candidates run in round `round`: round r starts with candidate r (mod
 * count), so over the rounds every candidate runs first; even rounds then go forwards and odd rounds
 * backwards, so a candidate does not always follow the same neighbour into a warm cache.
 */
export function roundOrder(count: number, round: number): number[] {
  const order: number[] = [];
  const step = round % 2 === 0 ? 1 : count - 1;
  for (let i = 0; i < count; i++) order.push((round + i * step) % count);
  return order;
}
