import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
    // These tests run pnpm and changesets in temp folders: seconds each on a busy two-core machine.
    testTimeout: 300_000,
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
