#!/usr/bin/env node
// Fills npm's cache with every registry package that installing the published tarballs needs, by
// installing them once into a throwaway folder. `scripts/bootstrap` runs this (it is the install
// step, which may reach the registry), so that the consumer test then installs with `--offline`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryDependencies } from './published-packages.mjs';

const dir = mkdtempSync(join(tmpdir(), 'sgi-npm-cache-'));
try {
  const dependencies = registryDependencies();
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'sgi-cache-warmup', private: true, dependencies }),
  );
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'inherit',
  });
  console.log(`npm cache: ${Object.keys(dependencies).length} packages and their dependencies are cached`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
