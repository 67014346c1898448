import { expect, it } from 'vitest';
import { runGate } from '../src/gate.js';
import { readGateInput, repoLayout } from '../src/repo.js';

// The gate itself, on this checkout: part of `pnpm test`, so CI fails on an unannounced breaking change.
it('the spec bundle has no breaking change since the last release, unless announced as major', async () => {
  const result = runGate(await readGateInput(repoLayout(new URL('.', import.meta.url).pathname)));
  expect(result.ok, result.message).toBe(true);
});
