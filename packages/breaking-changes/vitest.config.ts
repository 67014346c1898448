import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each comparison takes a few hundred milliseconds; give room on a busy two-core machine (a timeout is only the bound of a hang, never a speed check).
    testTimeout: 180_000,
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
  },
});
