import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sgi/testing/network-guard/global', 'test/support/prism-setup.ts'],
    setupFiles: ['@sgi/testing/network-guard'],
    // test/bundle.test.ts runs Redocly three times: seconds on a busy two-core CI machine.
    testTimeout: 30_000,
  },
});
