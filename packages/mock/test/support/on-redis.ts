/**
 * The package's built entry point as the `redis` test project sees it (an alias of `../src/index.js`): the
 * same exports, except that every sandbox a test starts keeps its state in the run's Redis, under a key
 * prefix of its own, unless the test chose a store itself. So the sandbox suite runs unchanged, with the
 * same expectations, on both stores; each server stays as isolated as one with a memory store.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type MockServer, type MockServerOptions, startMockServer as start } from '../../dist/index.js';

export * from '../../dist/index.js';

/** `startMockServer`, with a Redis store for each sandbox that did not ask for another store. */
export function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const sandbox = (options.mode ?? 'sandbox') === 'sandbox';
  if (!sandbox || options.store || options.storeUrl) return start(options);
  return start({ ...options, storeUrl: inject('redisUrl'), storeKeyPrefix: `test-${randomUUID()}:` });
}
