import { describe, expect, it } from 'vitest';
import { goalOfForcedRun, readTurboOutput, taskTimings, withoutFolder } from '../src/suites/devloop.js';

describe('readTurboOutput', () => {
  it('sums the passed tests of every vitest report and reads the cache hits', () => {
    const output = [
      '@sgi/spec:test:       Tests  368 passed (368)',
      '@sgi/mock:test: \u001b[2m      Tests \u001b[22m \u001b[1m\u001b[32m41 passed\u001b[39m\u001b[22m (41)',
      '@sgi/bench:test:       Tests  2 failed | 30 passed (32)',
      ' Tasks:    11 successful, 11 total',
      'Cached:    9 cached, 11 total',
      '  Summary:    /repo/.turbo/runs/abc.json',
    ].join('\n');
    expect(readTurboOutput(output)).toEqual({
      testsPassed: 439,
      cached: [9, 11],
      summaryPath: '/repo/.turbo/runs/abc.json',
    });
  });

  it('reports no cache line when turbo printed none', () => {
    expect(readTurboOutput('nothing here')).toEqual({ testsPassed: 0 });
  });
});

describe('taskTimings', () => {
  it('lists the tasks of a run summary longest first, with their start relative to the run', () => {
    const summary = {
      execution: { startTime: 1000 },
      tasks: [
        { taskId: 'a#build', execution: { startTime: 1000, endTime: 3000 }, cache: { status: 'MISS' } },
        { taskId: 'b#test', execution: { startTime: 2500, endTime: 12500 }, cache: { status: 'MISS' } },
        { taskId: 'c#lint' },
      ],
    };
    expect(taskTimings(summary)).toEqual([
      { task: 'b#test', startSec: 1.5, seconds: 10, cache: 'MISS' },
      { task: 'a#build', startSec: 0, seconds: 2, cache: 'MISS' },
    ]);
  });
});

describe('the forced run', () => {
  it('is judged only when it passed: a run stopped at its first failure meets no goal', () => {
    expect(goalOfForcedRun({ seconds: 39.3, exitCode: 1 })).toBeUndefined();
    expect(goalOfForcedRun({ seconds: 39.3, exitCode: null })).toBeUndefined();
    expect(goalOfForcedRun({ seconds: 170, exitCode: 0 })).toMatchObject({ limit: 45, kind: 'max' });
  });

  it("reports a failure without the machine's folder", () => {
    const tail = 'Summary:    /srv/ws/.turbo/runs/x.json / Failed: (/srv/ws/spec) exited (1)';
    expect(withoutFolder(tail, '/srv/ws')).toBe(
      'Summary:    ./.turbo/runs/x.json / Failed: (./spec) exited (1)',
    );
  });
});
