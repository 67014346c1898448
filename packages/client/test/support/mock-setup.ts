import { type MockServer, startMockServer } from '@sgi/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mockUrl: string;
  }
}

let mock: MockServer | undefined;

/** Starts the mock API (Prism serving the spec's examples) on a free loopback port for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  mock = await startMockServer({ mode: 'static', port: 0 });
  project.provide('mockUrl', mock.url);
}

export async function teardown(): Promise<void> {
  await mock?.close();
}
