import { describe, expect, it } from 'vitest';
import { fig, judge, num, type Report, renderMarkdown, toJson } from '../src/report.js';
import { summarize } from '../src/stats.js';

const flat = (v: number) => summarize([v]);

describe('judge', () => {
  it('meets an upper limit with headroom, as a fraction of the limit', () => {
    const g = judge({ name: 'r', kind: 'max', limit: 1.1, unit: 'x', figure: flat(0.99) });
    expect(g.met).toBe(true);
    expect(g.margin).toBeCloseTo(0.1, 10);
  });

  it('misses an upper limit by a negative margin', () => {
    const g = judge({ name: 'r', kind: 'max', limit: 4, unit: 'kB', figure: flat(5) });
    expect(g.met).toBe(false);
    expect(g.margin).toBeCloseTo(-0.25, 10);
  });

  it('judges a lower limit the other way round', () => {
    expect(judge({ name: 'r', kind: 'min', limit: 1.8, unit: 'x', figure: flat(2.7) }).met).toBe(true);
    expect(judge({ name: 'r', kind: 'min', limit: 1.8, unit: 'x', figure: flat(0.9) }).margin).toBeCloseTo(
      -0.5,
      10,
    );
  });

  it('has no fractional margin for a zero limit', () => {
    const g = judge({ name: 'errors', kind: 'max', limit: 0, unit: 'errors', figure: flat(3) });
    expect(g.met).toBe(false);
    expect(g.margin).toBeNull();
  });

  it('flags rounds on both sides of the limit', () => {
    const g = judge({ name: 'r', kind: 'max', limit: 1.1, unit: 'x', figure: summarize([1.0, 1.05, 1.2]) });
    expect(g.met).toBe(true);
    expect(g.straddles).toBe(true);
  });
});

describe('formatting', () => {
  it('keeps about three significant digits', () => {
    expect(num(1234.5)).toBe('1,235');
    expect(num(12.345)).toBe('12.3');
    expect(num(1.2345)).toBe('1.23');
  });

  it('prints a median with its per-round range', () => {
    expect(fig(summarize([1.5, 1.62, 1.7]), 'x')).toBe('1.62x (1.50–1.70)');
    expect(fig(flat(2.4), 'kB')).toBe('2.40 kB');
  });
});

describe('renderMarkdown and toJson', () => {
  const suite: Report['suites'][number] = {
    id: 'demo',
    title: 'Demo suite',
    method: 'How it was measured.',
    tables: [{ columns: ['client', 'per call'], rows: [['a|b', '1.00 us']] }],
    goals: [{ name: 'size', kind: 'max', limit: 4, unit: 'kB', figure: flat(5) }],
    notes: ['A finding.'],
    data: { value: 1.23456789 },
  };
  const report: Report = {
    run: {
      date: '2026-01-01T00:00:00.000Z',
      cpuModel: 'Test CPU',
      cores: 2,
      memoryGiB: 24,
      os: 'Linux',
      node: 'v20.20.2',
      loadStart: [1, 0.5, 0.25],
      loadEnd: [2, 1, 0.5],
      load: summarize([1, 3, 2]),
      durationSec: 100,
      versions: { 'openapi-fetch': '0.17.0' },
    },
    method: ['Interleaved rounds.'],
    suites: [suite],
  };

  it('writes the machine, versions, method, goals with verdicts, and each suite', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| CPU | Test CPU, 2 cores |');
    expect(md).toContain('| load average (1, 5, 15 min) at end | 2.00, 1.00, 0.50 |');
    expect(md).toContain(
      '| 1-min load average during the run (every 10 s) | median 2.00, range 1.00–3.00 (2 cores) |',
    );
    expect(md).toContain('| openapi-fetch | 0.17.0 |');
    expect(md).toContain('- Interleaved rounds.');
    expect(md).toContain('| Demo suite | size | ≤ 4.00 kB | 5.00 kB | **missed by 25.0 %** |');
    expect(md).toContain('## 1. Demo suite');
    expect(md).toContain('| a\\|b | 1.00 us |');
    expect(md).toContain('- A finding.');
  });

  it('says when a suite could not run', () => {
    const md = renderMarkdown({ ...report, suites: [{ ...suite, skipped: 'no docs build' }] });
    expect(md).toContain('Not measured in this run: no docs build');
  });

  it('puts the judged goals and the data, to four significant digits, in the JSON', () => {
    const json = toJson(report) as { suites: Array<{ goals: Array<{ met: boolean }>; data: unknown }> };
    expect(json.suites[0]?.goals[0]?.met).toBe(false);
    expect(json.suites[0]?.data).toEqual({ value: 1.235 });
  });
});
