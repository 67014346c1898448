/**
 * Interleaved rounds: candidates take turns within every round, in an order that changes from round
 * to round, after a shared warm-up, so that a noisy moment on a shared machine hits them all alike.
 */
import { median, p90, roundOrder } from './stats.js';

/** One thing to measure: `call` performs one operation (one API call, one page load...). */
export interface Candidate {
  /** Label used in the report. */
  name: string;
  /** One operation; awaited. */
  call: () => Promise<unknown>;
}

/** How many operations to run, and how to time them. */
export interface InterleaveOptions {
  /** Rounds; every candidate runs in every round, so ratios compare figures of the same round. */
  rounds: number;
  /** Untimed operations per candidate before round 1 (JIT, connection pools, caches). */
  warmup: number;
  /** Turns per candidate per round; the candidates alternate turn by turn. */
  turns: number;
  /** Operations per turn. */
  calls: number;
  /**
   * - `each`: every operation is timed on its own (wall clock); a round's median and p90 are over them.
   * - `cpu`: for operations that do no I/O. Each turn is timed as a whole on the process's CPU time, so
   *   time spent waiting for a core held by another process does not count; a round's figure is the
   *   cheapest turn's CPU time per operation: the turn least disturbed by other processes (which thrash
   *   caches and take cycles even from a process that keeps its core). Its median and p90 are over the
   *   turns' means.
   */
  timing: 'each' | 'cpu';
}

/** Per-round figures of one candidate, in microseconds per operation. */
export interface RoundFigures {
  /** The round's figure: the median sample for `each` timing, the cheapest turn for `cpu` timing. */
  value: number;
  /** Median of the round's samples. */
  median: number;
  /** 90th percentile of the round's samples. */
  p90: number;
}

/** Collects garbage when node runs with `--expose-gc`, so every round starts from the same heap state. */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function eachTurn(call: () => Promise<unknown>, calls: number, into: number[]): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call();
    into.push((performance.now() - start) * 1000);
  }
}

async function cpuTurn(call: () => Promise<unknown>, calls: number, into: number[]): Promise<void> {
  const start = cpuMicros();
  for (let i = 0; i < calls; i++) await call();
  into.push((cpuMicros() - start) / calls);
}

/** A round's figures from its samples (see {@link InterleaveOptions.timing}). */
export function roundFigures(samples: readonly number[], timing: InterleaveOptions['timing']): RoundFigures {
  const m = median(samples);
  return { value: timing === 'cpu' ? Math.min(...samples) : m, median: m, p90: p90(samples) };
}

/**
 * Runs `candidates` in interleaved rounds and returns, for each candidate by name, its per-round
 * figures in microseconds per operation.
 */
export async function interleave(
  candidates: readonly Candidate[],
  options: InterleaveOptions,
): Promise<Map<string, RoundFigures[]>> {
  const out = new Map<string, RoundFigures[]>(candidates.map((c) => [c.name, []]));
  for (const c of candidates) {
    for (let i = 0; i < options.warmup; i++) await c.call();
  }
  const turn = options.timing === 'cpu' ? cpuTurn : eachTurn;
  for (let round = 0; round < options.rounds; round++) {
    collectGarbage();
    const order = roundOrder(candidates.length, round);
    const samples = candidates.map((): number[] => []);
    for (let t = 0; t < options.turns; t++) {
      for (const index of order) {
        await turn((candidates[index] as Candidate).call, options.calls, samples[index] as number[]);
      }
    }
    candidates.forEach((c, i) => {
      out.get(c.name)?.push(roundFigures(samples[i] as number[], options.timing));
    });
  }
  return out;
}
