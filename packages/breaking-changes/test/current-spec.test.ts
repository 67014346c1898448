import { expect, it } from 'vitest';
import { runGate } from '../src/gate.js';
import { readGateInput, repoLayout, SPEC_DOCUMENTS } from '../src/repo.js';

// The gate itself, on this checkout: part of `pnpm test`, so CI fails on an unannounced breaking change
// to any of the spec's documents (the API's and the deployment endpoint's), each against its baseline.
it.each(SPEC_DOCUMENTS.map((d) => [d.file, d] as const))(
  '%s has no breaking change since the last release, unless announced as major',
  async (_file, document) => {
    const result = runGate(await readGateInput(repoLayout(new URL('.', import.meta.url).pathname), document));
    expect(result.ok, result.message).toBe(true);
  },
);
