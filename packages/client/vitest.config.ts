import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machine is shared: a bound for a hung test, never a timing assertion.
    testTimeout: 30_000,
    globalSetup: ['@sgi/testing/network-guard/global', 'test/support/mock-setup.ts'],
    setupFiles: ['@sgi/testing/network-guard'],
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
