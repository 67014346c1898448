import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The sandbox's own suites: run once with each store, with the same expectations. */
const sandboxSuites = [
  'test/sandbox-lifecycle.test.ts',
  'test/sandbox-settings.test.ts',
  'test/tenants.test.ts',
  'test/tenant-capacity.test.ts',
  'test/limits.test.ts',
  'test/contract.test.ts',
  'test/hosting.test.ts',
  'test/keys.test.ts',
  'test/store-in-use.test.ts',
  'test/hosting/revoke-in-flight.test.ts',
  'test/endpoint/openai.test.ts',
  'test/endpoint/journey.test.ts',
  'test/endpoint/bounds.test.ts',
];
/**
 * The suites that load the machine on purpose, or time one tenant against another's load: they run after
 * the others, one at a time.
 */
const heavy = [
  'test/fuzz.test.ts',
  'test/hostile-load.test.ts',
  'test/hosted-load.test.ts',
  'test/hosting/noisy-neighbour.test.ts',
];

/** A test's import of the package's entry point (`../src/index.js`, `../../src/index.js`). */
const entry = /^(\.\.\/)+src\/index\.js$/;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// The server under test is the built package as it is published (dist/, with Prism bundled in
// dist/vendor/prism.cjs), not the sources: `pnpm test` builds it first.
const onMemory = { alias: [{ find: entry, replacement: here('./dist/index.js') }] };
// The same built package, with every sandbox a test starts on the run's Redis unless the test chose
// its store itself (see test/support/on-redis.ts).
const onRedis = { alias: [{ find: entry, replacement: here('./test/support/on-redis.ts') }] };
/**
 * The suites of the `memory` and `redis` projects share their worker process, one file after the other:
 * each file still starts (and closes) its own servers, on ports and key prefixes of its own, but the
 * process, vitest's runtime and the bundled Prism (about a second of CPU) are loaded once per project
 * instead of once per file. The package keeps no state of its own between servers (every store, limit
 * and key lives in a `MockServer`), and a test that changes the process (an environment variable, a
 * spy on stderr) restores it. The heavy suites keep a process of their own each (they read the
 * process's memory).
 */
const shared = { isolate: false };

export default defineConfig({
  test: {
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 30_000,
    // Starting Prism takes about a second, and much longer on a machine busy with other work.
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        resolve: onMemory,
        test: {
          name: 'memory',
          include: ['test/**/*.test.ts'],
          exclude: ['test/replicas/**', ...heavy],
          ...shared,
        },
      },
      {
        extends: true,
        resolve: onRedis,
        test: {
          // The sandbox suites again, with the same expectations, and the suites of several replicas
          // sharing one Redis.
          name: 'redis',
          include: [...sandboxSuites, 'test/replicas/**/*.test.ts'],
          globalSetup: ['test/support/redis-setup.ts'],
          testTimeout: 60_000,
          ...shared,
        },
      },
      {
        extends: true,
        resolve: onMemory,
        // The fuzz and the hostile load once the rest is done, so that neither starves the others of
        // the machine's cores.
        test: { name: 'load', include: heavy, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        resolve: onRedis,
        test: {
          name: 'load-redis',
          include: ['test/fuzz.test.ts'],
          globalSetup: ['test/support/redis-setup.ts'],
          // Fewer fuzz requests than on the memory store (10,000): the same shapes, in less time.
          provide: { fuzzRuns: 3000 },
          testTimeout: 60_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
