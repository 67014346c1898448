import { type MockServer, startMockServer } from '@sgi/mock';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The sandbox the CLI runs against (each test uses a token of its own). */
    sandboxUrl: string;
    /** The static mock (Prism serving the spec's examples), where `Prefer: code=...` picks an answer. */
    staticUrl: string;
  }
}

let mock: MockServer | undefined;
let staticMock: MockServer | undefined;

/**
 * One sandbox for the run, on a free loopback port. Provisioning takes a moment, so that `wait`
 * really waits; a deleted deployment is gone at once, so that `view` after `delete` is not found.
 */
export async function setup(project: TestProject): Promise<void> {
  [mock, staticMock] = await Promise.all([
    startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 300, deleteDelayMs: 0 }),
    startMockServer({ mode: 'static', port: 0 }),
  ]);
  project.provide('sandboxUrl', mock.url);
  project.provide('staticUrl', staticMock.url);
}

export async function teardown(): Promise<void> {
  await Promise.all([mock?.close(), staticMock?.close()]);
}
