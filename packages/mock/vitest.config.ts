import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 30_000,
    // Starting Prism takes about a second, and much longer on a machine busy with other work.
    hookTimeout: 120_000,
  },
});
