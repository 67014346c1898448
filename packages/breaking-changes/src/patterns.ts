import fc from 'fast-check';

/** How many values of the old pattern the new one must accept. */
const SAMPLES = 400;

/**
 * The patterns that `pattern` requires all at once. allof-merge writes the patterns of merged schemas
 * as a row of lookaheads, `(?=A)(?=B)`; any other pattern is its own only member.
 */
export function conjuncts(pattern: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (pattern.startsWith('(?=', i)) {
    let depth = 0;
    let j = i;
    for (; j < pattern.length; j++) {
      const c = pattern[j];
      if (c === '\\') j++;
      else if (c === '[') {
        // a character class: skip to its end (escapes included)
        for (j++; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j++;
      } else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
    if (j >= pattern.length) return [pattern];
    parts.push(pattern.slice(i + 3, j));
    i = j + 1;
  }
  return i === pattern.length && parts.length > 0 ? parts : [pattern];
}

/**
 * Whether the regular expression `after` accepts every string `before` accepts (JSON Schema patterns:
 * unanchored, Unicode). Containment of regular expressions is not decided here: `before` is sampled
 * (fast-check's `stringMatching`, a fixed seed, so the verdict is the same on every run) and each sample
 * must match `after`. A narrowed or changed pattern is caught as soon as one sample falls outside it;
 * a pattern that cannot be sampled or compiled counts as not widened, so the change stays breaking.
 */
export function patternWidened(before: string, after: string): boolean {
  if (before === after) return true;
  try {
    const oldRe = new RegExp(before, 'u');
    const newRe = new RegExp(after, 'u');
    let checked = 0;
    for (const part of conjuncts(before)) {
      const samples = fc.sample(fc.stringMatching(new RegExp(part)), { seed: 20261125, numRuns: SAMPLES });
      for (const value of samples) {
        if (!oldRe.test(value)) continue;
        if (!newRe.test(value)) return false;
        checked++;
      }
    }
    return checked > 0;
  } catch {
    return false;
  }
}
