import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer project is installed once, before the network guard is on: npm installs with
    // --offline, from the cache that scripts/bootstrap filled (warm-npm-cache.mjs).
    globalSetup: ['test/support/consumer-project.ts', '@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
