import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/prism-setup.ts'],
    // The bundle test runs Redocly three times; on a busy 2-core machine that takes more than vitest's default 5 s.
    testTimeout: 60_000,
  },
});
