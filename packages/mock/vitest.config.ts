import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The suites that load the machine on purpose: they run after the others, not next to them. */
const heavy = ['test/fuzz.test.ts', 'test/hostile-load.test.ts'];

export default defineConfig({
  resolve: {
    // The server under test is the built package as it is published (dist/, with Prism bundled in
    // dist/vendor/prism.cjs), not the sources: `pnpm test` builds it first.
    alias: [
      {
        find: /^\.\.\/src\/index\.js$/,
        replacement: fileURLToPath(new URL('./dist/index.js', import.meta.url)),
      },
    ],
  },
  test: {
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 30_000,
    // Starting Prism takes about a second, and much longer on a machine busy with other work.
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'mock', include: ['test/**/*.test.ts'], exclude: heavy } },
      {
        extends: true,
        // The fuzz and the hostile load, one file at a time once the rest is done, so that neither
        // starves the other (or the rest) of the machine's cores.
        test: { name: 'load', include: heavy, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
