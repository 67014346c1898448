#!/usr/bin/env node
// The release's dry run: what `pnpm version-packages` and then `pnpm release` would publish, computed
// offline on a copy of the workspace's manifests, changelogs and pending changesets (`changeset version`
// there, nothing changed here): each package's version before and after, and the git tag `changeset
// publish` makes for it (`<name>@<version>`). The release workflow (.github/workflows/release.yml)
// publishes these with npm provenance.
//
//   node packages/release-checks/release-plan.mjs      # or: pnpm release:plan
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from './api-report.mjs';

/** The environment for a tool in a temp folder: without the `npm_*` settings of a `pnpm run` around us. */
function toolEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.toLowerCase().startsWith('npm_') && !k.startsWith('PNPM_'),
    ),
  );
}

/**
 * The release plan of the repository at `root`: `[{ name, from, to, tag }]`, one per package whose
 * version `changeset version` would change (private packages are never versioned).
 */
export function releasePlan(root) {
  const copy = mkdtempSync(join(tmpdir(), 'sgi-release-plan-'));
  try {
    const packages = workspacePackages(root);
    const files = ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml'];
    for (const pkg of packages) {
      files.push(join(pkg.dir, 'package.json'));
      if (existsSync(join(root, pkg.dir, 'CHANGELOG.md'))) files.push(join(pkg.dir, 'CHANGELOG.md'));
    }
    for (const file of files) {
      mkdirSync(join(copy, dirname(file)), { recursive: true });
      cpSync(join(root, file), join(copy, file));
    }
    cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true });
    const cli = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
    execFileSync(process.execPath, [cli, 'version'], { cwd: copy, env: toolEnv(), stdio: 'pipe' });
    return packages.flatMap((pkg) => {
      const after = JSON.parse(readFileSync(join(copy, pkg.dir, 'package.json'), 'utf8')).version;
      if (after === pkg.manifest.version) return [];
      return [
        {
          name: pkg.manifest.name,
          from: pkg.manifest.version,
          to: after,
          tag: `${pkg.manifest.name}@${after}`,
        },
      ];
    });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const plan = releasePlan(fileURLToPath(new URL('../../', import.meta.url)));
  if (plan.length === 0) console.log('Nothing to release: no pending changeset.');
  for (const p of plan)
    console.log(`${p.name} ${p.from} -> ${p.to}  (npm, with provenance; git tag ${p.tag})`);
}
