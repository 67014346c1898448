import { defineConfig } from 'tsup';

export default defineConfig({
  // `bin.ts` is the `sgi` command; `index.ts` the same program as a function, for tests and wrappers.
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
});
