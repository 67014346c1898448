import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Checks on the built package (dist/), as it is published.
const pkgDir = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

describe('the built package', () => {
  it('passes publint', async () => {
    const { stdout } = await promisify(execFile)(join(pkgDir, 'node_modules/.bin/publint'), ['--strict'], {
      cwd: pkgDir,
    });
    expect(stdout).toContain('All good!');
  }, 180_000);

  it('ships the sgi-mock command as an executable script', () => {
    expect(pkg.bin).toEqual({ 'sgi-mock': './bin/sgi-mock.js' });
    expect(readFileSync(join(pkgDir, pkg.bin['sgi-mock']), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it("reads the spec from @sgi/spec and runs Prism from its bundle; faker (dynamic examples), pino, prom-client, ioredis (a Redis store) and yaml (the proxy's known drifts) aside", () => {
    expect(pkg.dependencies).toEqual({
      '@faker-js/faker': '6.3.1',
      '@sgi/spec': 'workspace:*',
      ioredis: '6.0.0',
      pino: '10.4.0',
      'prom-client': '15.1.3',
      yaml: '2.8.1',
    });
    // The operators' document (linked from the README) says what the package installs and why: exactly these.
    const readme = readFileSync(join(pkgDir, 'docs', 'operating.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('### What it installs'),
      readme.indexOf('| flag | default |'),
    );
    const listed = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(pkg.dependencies).sort());
    expect(readme).not.toMatch(/one runtime\s+dependency/);
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(pkg.files).toEqual(['bin', 'dist']);
    expect(existsSync(join(pkgDir, 'dist/vendor/prism.cjs'))).toBe(true);
  });

  it('bundles Prism as ASCII only, so that Node reads its 3 MB into a one-byte string (twice as fast, half the memory)', () => {
    const bundle = readFileSync(join(pkgDir, 'dist/vendor/prism.cjs'));
    const first = bundle.findIndex((byte) => byte > 0x7f);
    expect(first, `a non-ASCII byte at ${first}: ${bundle.subarray(first - 40, first + 20).toString()}`).toBe(
      -1,
    );
  });

  it('starts without loading a module from node_modules but @sgi/spec (faker, pino and prom-client wait until they are used)', async () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "const { startMockServer } = await import('./dist/index.js');",
      "const mock = await startMockServer({ mode: 'static' });",
      "const res = await fetch(mock.url + '/sg_inf/list', { headers: { authorization: 'Bearer t' } });",
      'await mock.close();',
      'const loaded = Object.keys(createRequire(import.meta.url).cache);',
      'console.log(JSON.stringify({ status: res.status, loaded }));',
    ].join('\n');
    // As installed by npm: without the NODE_PATH that pnpm sets for scripts, through which optional
    // probes of bundled packages (js-yaml looks for esprima) would find pnpm's hoisted packages.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: pkgDir,
      env: { ...process.env, NODE_PATH: '' },
    });
    const out = JSON.parse(stdout) as { status: number; loaded: string[] };
    expect(out.status).toBe(200);
    expect(out.loaded.filter((file) => file.includes('node_modules'))).toEqual([]);
  }, 180_000);
});
