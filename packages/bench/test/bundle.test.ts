import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleSize } from '../src/suites/bundle.js';

describe('bundleSize', () => {
  it('bundles a consumer with its imports and reports compressed sizes smaller than the minified one', async () => {
    const dir = fileURLToPath(new URL('..', import.meta.url));
    const source = `import createClient from 'openapi-fetch';
export const client = createClient({ baseUrl: 'https://example.test' });`;
    const size = await bundleSize('openapi-fetch', source, dir);
    expect(size.minified).toBeGreaterThan(1000);
    expect(size.gzip).toBeLessThan(size.minified);
    expect(size.brotli).toBeLessThan(size.minified);
    expect(size.largestInputs[0]?.path).toMatch(/^openapi-fetch\//);
  });

  it('names the missing import when a consumer cannot be bundled', async () => {
    const dir = fileURLToPath(new URL('..', import.meta.url));
    await expect(bundleSize('x', `import 'no-such-package-here';`, dir)).rejects.toThrow(
      /no-such-package-here/,
    );
  });
});
