import { type MockServer, type MockServerOptions, startMockServer } from '../../src/index.js';

/**
 * Starts the sandbox as most tests want it: on a free loopback port, with deployments provisioned and
 * deleted at once; `options` add to or override that. Under the Redis test project it runs on the run's
 * Redis, like every sandbox a test starts through the package's entry point.
 */
export function startSandbox(options: MockServerOptions = {}): Promise<MockServer> {
  return startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0, ...options });
}
