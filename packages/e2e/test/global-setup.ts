import { startMockServer } from '@sgi/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

/** One sandbox for the whole run, on a free port; each test uses its own bearer token, so tests never share state. */
export default async function setup(project: TestProject) {
  const mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 200, deleteDelayMs: 200 });
  project.provide('mockUrl', mock.url);
  return () => mock.close();
}
