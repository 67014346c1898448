import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sgi/testing/network-guard/global', 'test/global-setup.ts'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 120_000,
  },
});
