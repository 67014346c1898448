import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  }, 60_000);

  it('ships the sgi-mock command as an executable script', () => {
    expect(pkg.bin).toEqual({ 'sgi-mock': './dist/cli.js' });
    expect(readFileSync(join(pkgDir, pkg.bin['sgi-mock']), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('reads the spec from @sgi/spec, runs Prism from its pinned CLI, logs with pino and counts with prom-client', () => {
    expect(pkg.dependencies).toEqual({
      '@sgi/spec': 'workspace:*',
      '@stoplight/prism-cli': '5.14.2',
      pino: '10.4.0',
      'prom-client': '15.1.3',
    });
    expect(pkg.engines.node).toMatch(/^>=20/);
  });
});
