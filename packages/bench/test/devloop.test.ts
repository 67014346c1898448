import { describe, expect, it } from 'vitest';
import { readTurboOutput } from '../src/suites/devloop.js';

describe('readTurboOutput', () => {
  it('sums the passed tests of every vitest report and reads the cache hits', () => {
    const output = [
      '@sgi/spec:test:       Tests  368 passed (368)',
      '@sgi/mock:test: \u001b[2m      Tests \u001b[22m \u001b[1m\u001b[32m41 passed\u001b[39m\u001b[22m (41)',
      '@sgi/bench:test:       Tests  2 failed | 30 passed (32)',
      ' Tasks:    11 successful, 11 total',
      'Cached:    9 cached, 11 total',
    ].join('\n');
    expect(readTurboOutput(output)).toEqual({ testsPassed: 439, cached: [9, 11] });
  });

  it('reports no cache line when turbo printed none', () => {
    expect(readTurboOutput('nothing here')).toEqual({ testsPassed: 0 });
  });
});
