import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Checks on the built package (dist/), as consumers get it.
const pkgDir = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const run = (bin: string, args: string[]) =>
  promisify(execFile)(join(pkgDir, 'node_modules/.bin', bin), args, { cwd: pkgDir });

/**
 * Bundles `code` (which imports the built package) for browsers, minified, with code splitting, as an
 * app's bundler would. Returns what a page loads up front (the entry chunk and the chunks it imports
 * statically, each brotli-compressed on its own) and the inputs of those chunks and of the others,
 * loaded on demand.
 */
async function cost(code: string): Promise<{ brotli: number; inputs: string[]; onDemand: string[] }> {
  const out = await build({
    stdin: { contents: code, resolveDir: pkgDir, sourcefile: 'app.js' },
    bundle: true,
    minify: true,
    splitting: true,
    outdir: join(pkgDir, 'app-out'),
    absWorkingDir: pkgDir,
    write: false,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = out.metafile.outputs;
  const eager = new Set<string>();
  const visit = (chunk: string) => {
    if (eager.has(chunk)) return;
    eager.add(chunk);
    for (const i of outputs[chunk]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(Object.keys(outputs).find((chunk) => outputs[chunk]?.entryPoint === 'app.js') ?? '');
  let brotli = 0;
  for (const file of out.outputFiles)
    if (eager.has(relative(pkgDir, file.path))) brotli += brotliCompressSync(file.contents).length;
  // The modules that put code into a chunk (tree-shaken ones are listed with 0 bytes).
  const used = (lazy: boolean) =>
    Object.entries(outputs)
      .filter(([chunk]) => chunk.endsWith('.js') && eager.has(chunk) !== lazy)
      .flatMap(([, o]) =>
        Object.entries(o.inputs)
          .filter(([, i]) => i.bytesInOutput > 0)
          .map(([name]) => name),
      );
  return { brotli, inputs: used(false), onDemand: used(true) };
}

/**
 * The ceiling of what `import { createClient }` costs a browser app (min+brotli), so that it does
 * not grow unnoticed. The goal is 5000 B; with every option checked, secrets scrubbed from
 * causes, one abort listener per signal and the token exchange and waitUntilReady in the bundle (so
 * that nothing can fail to load), the client measures more: see the bench's `bundle` goal.
 */
const BUDGET = 6100;

describe('the built package', () => {
  it('passes publint', async () => {
    const { stdout } = await run('publint', ['--strict']);
    expect(stdout).toContain('All good!');
  }, 300_000);

  it('passes attw --pack (types resolve for node10, node16 ESM and CJS, and bundlers)', async () => {
    const { stdout } = await run('attw', ['--pack', '.', '--format', 'json']);
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
    // attw exits non-zero on any problem (execFile then rejects); the report says what it checked.
    expect(report.problems).toEqual({});
    expect(Object.keys(report.analysis.entrypoints)).toEqual(['.', './package.json']);
  }, 300_000);

  it('declares ESM, CJS and types in its exports, no side effects and its engines', () => {
    expect(pkg.exports['.']).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    });
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(Object.keys(pkg.dependencies)).toEqual(['openapi-fetch']);
  });

  it(`costs at most ${BUDGET} B min+brotli for \`import { createClient }\`, all of it up front, and bundles for browsers without Node built-ins`, async () => {
    const { brotli, inputs, onDemand } = await cost(
      "import { createClient } from '@sgi/client'; globalThis.c = createClient;",
    );
    expect(inputs.some((i) => i.startsWith('node:'))).toBe(false);
    console.log(`import { createClient } from '@sgi/client': ${brotli} B min+brotli up front`);
    expect(brotli).toBeLessThanOrEqual(BUDGET);
    // Nothing is loaded on demand: a dynamic import() that fails once is cached as failed by Node's
    // and browsers' module loaders, so code loaded that way could not be loaded again.
    expect(onDemand).toEqual([]);
    expect(inputs).toEqual([expect.stringMatching(/^dist\/index\.js$/), 'app.js']);
  });

  it('leaves openapi-fetch out unless rawClient is imported', async () => {
    const lean = await cost("import { createClient } from '@sgi/client'; globalThis.c = createClient;");
    const full = await cost(
      "import { createClient, rawClient } from '@sgi/client'; globalThis.c = [createClient, rawClient];",
    );
    expect(lean.inputs.some((i) => i.includes('openapi-fetch'))).toBe(false);
    expect(full.inputs.some((i) => i.includes('openapi-fetch'))).toBe(true);
  });

  it('loads from CommonJS and ESM with the same exports', async () => {
    const cjs = createRequire(import.meta.url)(join(pkgDir, 'dist/index.cjs'));
    const esm = await import(join(pkgDir, 'dist/index.js'));
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
    expect(typeof cjs.createClient).toBe('function');
    expect(new cjs.NotFoundError(404, 'x', undefined, undefined)).toBeInstanceOf(cjs.APIError);
  });
});
