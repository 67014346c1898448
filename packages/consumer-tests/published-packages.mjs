// The packages this repository publishes, and what installing their tarballs needs from the npm
// registry. Shared by the consumer test (which installs offline) and by `warm-npm-cache.mjs`
// (which `scripts/bootstrap` runs, so that npm's cache holds all of it before the tests start).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What the consumer project installs next to the tarballs: Node's types, and what the mock's README
 * recipes use (jest with ts-jest, vitest), at versions that run on Node 20.
 */
export const extraDependencies = {
  '@types/node': '20.19.9',
  '@types/jest': '30.0.0',
  jest: '30.5.2',
  'ts-jest': '29.4.15',
  typescript: '5.9.3',
  vitest: '4.1.12',
};

/** The published packages (the workspace's non-private ones), found by their folders. */
export function publishedPackages() {
  const candidates = [
    join(repoRoot, 'spec'),
    ...readdirSync(join(repoRoot, 'packages')).map((d) => join(repoRoot, 'packages', d)),
  ];
  return candidates.flatMap((dir) => {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return pkg.private
        ? []
        : [{ name: pkg.name, version: pkg.version, dir, dependencies: pkg.dependencies ?? {} }];
    } catch {
      return [];
    }
  });
}

/** The registry dependencies of the tarballs (the published packages' own links left out) plus the extras. */
export function registryDependencies() {
  const packages = publishedPackages();
  const ours = new Set(packages.map((p) => p.name));
  const deps = { ...extraDependencies };
  for (const p of packages) {
    for (const [name, range] of Object.entries(p.dependencies)) if (!ours.has(name)) deps[name] = range;
  }
  return deps;
}
