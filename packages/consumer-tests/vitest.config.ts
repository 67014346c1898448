import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer project is installed once, before the network guard is on: npm installs with
    // --offline, from the cache that scripts/bootstrap filled (warm-npm-cache.mjs).
    globalSetup: ['test/support/consumer-project.ts', '@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    // npm installs and tsc runs take minutes on a busy machine; a timeout only bounds a hang.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
