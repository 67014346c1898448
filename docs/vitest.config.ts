import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    // A bound for a hung test, never a speed check: the changelog compares API descriptions, and the
    // browser tests drive Chromium, while every package runs its tests side by side on two cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // On CI, a test that fails runs once more, as Playwright's own runner does for browser tests: Chromium
    // on a loaded two-core machine can lose a race with the page it drives. A test that fails twice fails
    // the run, and the report (verbose on CI) marks every retried test `(retry x1)`.
    retry: process.env.CI ? 1 : 0,
    // A page re-renders in its own time on a loaded machine: `expect.poll` waits up to 15 s (not 1 s)
    // before it fails.
    expect: { poll: { timeout: 15_000 } },
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
