import { describe, expect, it } from 'vitest';
import { HOSTED_NAME, hostedSandboxArgs } from '../src/suites/mock.js';
import { NOISY_LIMITS, noisyRatios, noisySandboxArgs } from '../src/suites/noisy-neighbour.js';

/** The value that follows `flag` in a command line. */
const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('the hosted sandbox of the mock benchmark', () => {
  it('runs with every feature on: keys, limits, answer budget, metrics, log and the Redis store', () => {
    const args = hostedSandboxArgs('redis://127.0.0.1:6390/0');
    expect(flagValue(args, '--auth')).toBe('keys');
    expect(flagValue(args, '--store')).toBe('redis://127.0.0.1:6390/0');
    expect(flagValue(args, '--metrics-port')).toBe('0');
    expect(args).toContain('--log');
    // The limits are on, and high enough never to refuse the benchmark's load.
    expect(Number(flagValue(args, '--rate-limit'))).toBeGreaterThanOrEqual(10_000);
    expect(Number(flagValue(args, '--max-concurrent'))).toBeGreaterThanOrEqual(100);
    expect(Number(flagValue(args, '--max-answer-bytes-per-second'))).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(HOSTED_NAME).toMatch(/keys, limits, answer budget, metrics, log, Redis/);
  });
});

describe('the noisy-neighbour benchmark', () => {
  it("runs the sandbox at a hosted sandbox's limits", () => {
    const args = noisySandboxArgs();
    expect(Number(flagValue(args, '--rate-limit'))).toBe(NOISY_LIMITS.rateLimit);
    expect(Number(flagValue(args, '--max-concurrent'))).toBe(NOISY_LIMITS.maxConcurrent);
    expect(Number(flagValue(args, '--max-answer-bytes-per-second'))).toBe(4 * 1024 * 1024);
  });

  it("divides each round's p50 with the noise by its p50 alone, and skips a round without reads", () => {
    expect(
      noisyRatios([
        { alone: [10, 20, 30], loaded: [40, 40, 50] },
        { alone: [5], loaded: [5, 6, 7] },
        { alone: [], loaded: [3] },
      ]),
    ).toEqual([2, 1.2]);
  });
});
