import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
