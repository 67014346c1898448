import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
    include: ['test/**/*.test.ts'],
    globalSetup: ['@sgi/testing/network-guard/global'],
    setupFiles: ['@sgi/testing/network-guard'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
