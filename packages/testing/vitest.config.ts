import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start Node processes: on a busy machine that takes seconds (no test asserts a timing).
    testTimeout: 30_000,
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
