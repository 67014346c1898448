import { type MockServer, startMockServer } from '@sgi/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The sandbox the CLI runs against (each test uses a token of its own). */
    sandboxUrl: string;
  }
}

let mock: MockServer | undefined;

/**
 * One sandbox for the run, on a free loopback port. Provisioning takes a moment, so that `wait`
 * really waits; a deleted deployment is gone at once, so that `view` after `delete` is not found.
 */
export async function setup(project: TestProject): Promise<void> {
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 300, deleteDelayMs: 0 });
  project.provide('sandboxUrl', mock.url);
}

export async function teardown(): Promise<void> {
  await mock?.close();
}
