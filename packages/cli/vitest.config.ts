import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
    // The machine may be busy: a bound for a hung test, never a timing assertion.
    testTimeout: 60_000,
    globalSetup: ['@sgi/testing/network-guard/global', 'test/support/mock-setup.ts'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
