import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    // Generous bounds: these tests start programs (Node.js, redis-server) on a machine that may be busy.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
