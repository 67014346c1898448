import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine may be busy: a bound for a hung test, never a timing assertion.
    testTimeout: 60_000,
    globalSetup: ['@sgi/testing/network-guard/global', 'test/support/mock-setup.ts'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
