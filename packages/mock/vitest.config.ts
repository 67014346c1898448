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
  'test/fuzz.test.ts',
  'test/store-in-use.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'memory',
          include: ['test/**/*.test.ts'],
          exclude: ['test/replicas/**'],
        },
      },
      {
        extends: true,
        test: {
          // The same sandbox suites with every sandbox on the run's Redis (see test/support/on-redis.ts),
          // and the suites of several replicas sharing one Redis.
          name: 'redis',
          include: [...sandboxSuites, 'test/replicas/**/*.test.ts'],
          globalSetup: ['test/support/redis-setup.ts'],
          alias: [
            {
              find: /^\.\.\/src\/index\.js$/,
              replacement: fileURLToPath(new URL('test/support/on-redis.ts', import.meta.url)),
            },
          ],
          // Fewer fuzz requests than on the memory store (10,000): the same shapes, in less time.
          provide: { fuzzRuns: 3000 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
