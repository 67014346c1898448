import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
    // The consumer project is installed once, before the network guard is on: npm installs with
    // --offline, from the cache that scripts/bootstrap filled (warm-npm-cache.mjs).
    globalSetup: ['test/support/consumer-project.ts', '@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    // npm installs and tsc runs take minutes on a busy machine; a timeout only bounds a hang.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
