import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer project is installed once, before the network guard: installing reaches the npm
    // registry (as any `npm install` does); the tests themselves stay on loopback.
    globalSetup: ['test/support/consumer-project.ts', '@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
