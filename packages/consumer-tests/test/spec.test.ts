import { describe, expect, inject, it } from 'vitest';
import { runJson } from './support/run.js';

const operations = [
  'createInferenceDeployment',
  'listInferenceDeployments',
  'getInferenceDeployment',
  'deleteInferenceDeployment',
  'startInferenceDeployment',
  'stopInferenceDeployment',
];

describe('@sgi/spec, installed from its tarball', () => {
  it('was packed and installed at the workspace version', () => {
    expect(inject('installed')['@sgi/spec']).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('is importable from an ES module, entry point and JSON export alike', async () => {
    const out = await runJson<{
      openapi: string;
      operations: string[];
      sameAsJsonExport: boolean;
      files: boolean[];
    }>('spec.mjs');
    expect(out.openapi).toBe('3.1.0');
    expect(out.operations.sort()).toEqual([...operations].sort());
    expect(out.sameAsJsonExport).toBe(true);
    expect(out.files).toEqual([true, true]);
  });

  it('is requirable from CommonJS, from inside node_modules', async () => {
    const out = await runJson<{
      openapi: string;
      operations: string[];
      sameAsJsonExport: boolean;
      jsonPath: string;
    }>('spec.cjs');
    expect(out.openapi).toBe('3.1.0');
    expect(out.operations.sort()).toEqual([...operations].sort());
    expect(out.sameAsJsonExport).toBe(true);
    expect(out.jsonPath).toMatch(/node_modules[\\/]@sgi[\\/]spec[\\/]dist[\\/]openapi\.json$/);
  });
});
