import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleSize } from '../src/suites/bundle.js';

// Modules of a small app, for the code-splitting cases: text that compresses poorly, so that every
// module's weight shows in the brotli figures.
const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
const filler = (seed: number) =>
  Array.from({ length: 200 }, (_, i) => ((i * 7919 + seed * 104729) % 1000003).toString(36)).join('');
writeFileSync(join(dir, 'lazy.js'), `export const lazy = ${JSON.stringify(filler(1))};`);
writeFileSync(join(dir, 'shared.js'), `export const shared = ${JSON.stringify(filler(2))};`);
writeFileSync(
  join(dir, 'lazy-shared.js'),
  `import { shared } from './shared.js'; export const both = shared + ${JSON.stringify(filler(3))};`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundleSize', () => {
  it('bundles a consumer with its imports and reports compressed sizes smaller than the minified one', async () => {
    const pkgDir = fileURLToPath(new URL('..', import.meta.url));
    const source = `import createClient from 'openapi-fetch';
export const client = createClient({ baseUrl: 'https://example.test' });`;
    const size = await bundleSize('openapi-fetch', source, pkgDir);
    expect(size.eager.minified).toBeGreaterThan(1000);
    expect(size.eager.gzip).toBeLessThan(size.eager.minified);
    expect(size.eager.brotli).toBeLessThan(size.eager.minified);
    // No dynamic import: one chunk, loaded up front.
    expect(size.eager).toEqual(size.all);
    expect(size.all.chunks).toBe(1);
    expect(size.largestInputs[0]?.path).toMatch(/^openapi-fetch\//);
    expect(size.largestInputs[0]?.eager).toBe(true);
  });

  it('leaves a dynamically imported module out of what loads up front, and counts it in all chunks', async () => {
    const size = await bundleSize('lazy', `export const load = () => import('./lazy.js');`, dir);
    expect(size.eager.chunks).toBe(1);
    expect(size.all.chunks).toBe(2);
    expect(size.all.brotli).toBeGreaterThan(size.eager.brotli + 400);
    expect(size.largestInputs[0]).toEqual({ path: 'lazy.js', bytes: expect.any(Number), eager: false });
  });

  it('counts a chunk that the entry imports statically as loaded up front', async () => {
    // `shared.js` is used by the entry and by the lazy module: esbuild puts it into a chunk of its own,
    // which the entry imports.
    const source = `import { shared } from './shared.js';
export const load = () => import('./lazy-shared.js');
export const now = shared;`;
    const size = await bundleSize('shared', source, dir);
    expect(size.eager.chunks).toBe(2);
    expect(size.all.chunks).toBe(3);
    const shared = size.largestInputs.find((i) => i.path === 'shared.js');
    const lazy = size.largestInputs.find((i) => i.path === 'lazy-shared.js');
    expect([shared?.eager, lazy?.eager]).toEqual([true, false]);
    expect(size.all.brotli).toBeGreaterThan(size.eager.brotli + 400);
  });

  it('names the missing import when a consumer cannot be bundled', async () => {
    const pkgDir = fileURLToPath(new URL('..', import.meta.url));
    await expect(bundleSize('x', `import 'no-such-package-here';`, pkgDir)).rejects.toThrow(
      /no-such-package-here/,
    );
  });
});
