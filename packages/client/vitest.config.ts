import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default defineConfig({
  // As the build does (tsup.config.ts): the version in the User-Agent.
  define: { __SGI_CLIENT_VERSION__: JSON.stringify(version) },
  test: {
    include: ['test/**/*.test.ts'],
    // The test files share one worker process, one after the other (vitest's runtime and the packages
    // under test are loaded once, not once per file); each file still starts and stops what it uses.
    isolate: false,
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
