import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './support/repo.js';

// A first `pnpm install` on a fresh clone links every workspace bin before anything is built: a bin
// that points into dist/ makes it print "Failed to create bin ... ENOENT" once per dependant.
const tracked = new Set(
  execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((file) => normalize(file)),
);

const bins = workspacePackages().flatMap((pkg) => {
  const bin = pkg.manifest.bin;
  const entries = typeof bin === 'string' ? [[pkg.manifest.name, bin]] : Object.entries(bin ?? {});
  return entries.map(([name, target]) => ({ pkg, name, target: normalize(join(pkg.dir, String(target))) }));
});

describe('a first install on a fresh clone', () => {
  it('finds the bins that other workspace packages depend on', () => {
    expect(bins.map((b) => b.name)).toContain('sgi-mock');
  });

  it.each(bins.filter((b) => isDependedOn(b.pkg.manifest.name)).map((b) => [b.name, b] as const))(
    'can link %s: its target is a committed file, not a build output',
    (_name, bin) => {
      expect(tracked.has(bin.target), `${bin.target} is not tracked by git`).toBe(true);
      expect(readFileSync(join(repoRoot, bin.target), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    },
  );
});

/** Whether another workspace package lists this one among its dependencies (so pnpm links its bins). */
function isDependedOn(name: string): boolean {
  return workspacePackages().some((pkg) =>
    ['dependencies', 'devDependencies', 'optionalDependencies'].some(
      (field) => (pkg.manifest[field] as Record<string, string> | undefined)?.[name] !== undefined,
    ),
  );
}
