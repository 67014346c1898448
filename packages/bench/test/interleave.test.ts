import { describe, expect, it } from 'vitest';
import { interleave, roundFigures } from '../src/interleave.js';

function recorder() {
  const log: string[] = [];
  const candidate = (name: string) => ({
    name,
    call: async () => {
      log.push(name);
    },
  });
  return { log, candidates: [candidate('a'), candidate('b')] };
}

describe('interleave', () => {
  it('warms up, then alternates candidates turn by turn, starting each round with another one', async () => {
    const { log, candidates } = recorder();
    const rounds = await interleave(candidates, {
      rounds: 2,
      warmup: 1,
      turns: 2,
      calls: 2,
      timing: 'cpu',
    });
    expect(log.join('')).toBe(['ab', 'aabbaabb', 'bbaabbaa'].join(''));
    expect(rounds.get('a')).toHaveLength(2);
    expect(rounds.get('b')).toHaveLength(2);
  });

  it('gives ordered figures in every round, timing calls one by one or by turn', async () => {
    for (const timing of ['each', 'cpu'] as const) {
      const { candidates } = recorder();
      const rounds = await interleave(candidates, { rounds: 3, warmup: 0, turns: 3, calls: 3, timing });
      for (const r of rounds.get('a') ?? []) {
        expect(r.value).toBeGreaterThanOrEqual(0);
        expect(r.p90).toBeGreaterThanOrEqual(r.median);
      }
    }
  });

  it('lets a failing call fail the run instead of timing an error', async () => {
    const broken = [{ name: 'x', call: async () => Promise.reject(new Error('boom')) }];
    await expect(
      interleave(broken, { rounds: 1, warmup: 0, turns: 1, calls: 1, timing: 'each' }),
    ).rejects.toThrow('boom');
  });
});

describe('roundFigures', () => {
  it('takes the median call for timing one by one', () => {
    const r = roundFigures([30, 10, 20, 90], 'each');
    expect(r.value).toBe(25);
    expect(r.median).toBe(25);
    expect(r.p90).toBeCloseTo(72, 10); // 30 + 0.7 * (90 - 30)
  });

  it('takes the cheapest turn for CPU timing, keeping the median and p90 of the turns', () => {
    const r = roundFigures([45, 50, 90], 'cpu');
    expect(r.value).toBe(45);
    expect(r.median).toBe(50);
    expect(r.p90).toBeCloseTo(82, 10); // 50 + 0.8 * (90 - 50)
  });
});
