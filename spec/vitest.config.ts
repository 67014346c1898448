import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
    globalSetup: ['@sgi/testing/network-guard/global', 'test/support/prism-setup.ts'],
    setupFiles: ['@sgi/testing/network-guard'],
    // test/bundle.test.ts runs Redocly three times: seconds on a busy two-core CI machine.
    testTimeout: 30_000,
  },
});
