import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKnownDrift, matchDrift } from '../src/index.js';

const guide = readFileSync(new URL('../../../docs/guides/production.md', import.meta.url), 'utf8');

describe('the known-drift file @sgi/spec ships', () => {
  const drifts = loadKnownDrift();

  it('has each entry documented in the production guide, and nothing more', () => {
    const table = guide.split('\n').filter((line) => /^\| `[a-z0-9-]+` \|/.test(line));
    const inGuide = table.map((line) => /^\| `([a-z0-9-]+)`/.exec(line)?.[1]);
    expect(inGuide.sort()).toEqual(drifts.map((d) => d.id).sort());
  });

  it('matches a finding only when every field it gives is equal', () => {
    const finding = {
      check: 'get',
      operation: 'getInferenceDeployment',
      status: 200,
      kind: 'envelope' as const,
      pointer: '',
      message: 'bare',
      severity: 'error' as const,
    };
    expect(matchDrift(finding, drifts)?.id).toBe('get-bare-object');
    expect(matchDrift({ ...finding, status: 201 }, drifts)).toBeUndefined();
    expect(matchDrift({ ...finding, pointer: '/message' }, drifts)).toBeUndefined();
    expect(matchDrift({ ...finding, operation: 'stopInferenceDeployment' }, drifts)).toBeUndefined();
    expect(matchDrift({ ...finding, kind: 'schema' }, drifts)).toBeUndefined();
  });
});
