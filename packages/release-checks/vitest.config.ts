import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // These tests run pnpm and changesets in temp folders: seconds each on a busy two-core machine.
    testTimeout: 300_000,
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
