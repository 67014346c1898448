import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
    // Each comparison takes a few hundred milliseconds; give room on a busy two-core machine (a timeout is only the bound of a hang, never a speed check).
    testTimeout: 180_000,
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
