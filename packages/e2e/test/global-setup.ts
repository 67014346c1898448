import { startMockServer } from '@sgi/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
    /** The same sandbox answering as production does today for each of its known drifts. */
    mockQuirksUrl: string;
  }
}

/**
 * Two sandboxes for the whole run, on free ports: one keeping to the contract, one playing back
 * production's known drifts (`productionQuirks`). Each test uses its own bearer token, so tests never
 * share state.
 */
export default async function setup(project: TestProject) {
  const options = { mode: 'sandbox', port: 0, provisionDelayMs: 200, deleteDelayMs: 200 } as const;
  const [mock, quirky] = await Promise.all([
    startMockServer(options),
    startMockServer({ ...options, productionQuirks: true }),
  ]);
  project.provide('mockUrl', mock.url);
  project.provide('mockQuirksUrl', quirky.url);
  return () => Promise.all([mock.close(), quirky.close()]).then(() => undefined);
}
