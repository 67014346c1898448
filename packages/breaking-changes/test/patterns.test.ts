import { describe, expect, it } from 'vitest';
import { conjuncts, patternWidened } from '../src/patterns.js';

describe('patternWidened', () => {
  it.each([
    ['^[A-Za-z0-9][A-Za-z0-9_-]*$', '\\S'],
    ['^[A-Za-z0-9][A-Za-z0-9._-]*$', '^[A-Za-z0-9][A-Za-z0-9._/-]*$'],
    ['^[A-Za-z0-9][A-Za-z0-9_.:-]*$', '^\\S+$'],
    ['(?=^[a-z]+$)(?=^[a-z]+$)', '(?=\\S)(?=\\S)'],
  ])('%s -> %s is wider', (before, after) => {
    expect(patternWidened(before, after)).toBe(true);
  });

  it.each([
    ['\\S', '^[A-Za-z0-9][A-Za-z0-9_-]*$'],
    ['^[A-Za-z0-9._/-]+$', '^[A-Za-z0-9._-]+$'],
    ['^[a-z]+$', '^[0-9]+$'],
    ['^[a-z]+$', '(unclosed'],
  ])('%s -> %s is not', (before, after) => {
    expect(patternWidened(before, after)).toBe(false);
  });
});

describe('conjuncts', () => {
  it('splits the lookaheads allof-merge writes, and leaves other patterns whole', () => {
    expect(conjuncts('(?=^[a-z(]+$)(?=\\S)')).toEqual(['^[a-z(]+$', '\\S']);
    expect(conjuncts('^(a|b)$')).toEqual(['^(a|b)$']);
    expect(conjuncts('(?=a)b')).toEqual(['(?=a)b']);
  });
});
