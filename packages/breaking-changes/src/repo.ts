import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pendingBump } from './changesets.js';
import type { GateInput } from './gate.js';

/** Where the gate finds its inputs in a checkout of this repository. */
export interface RepoLayout {
  /** The repository root (the folder with `pnpm-workspace.yaml` and `.changeset/`). */
  root: string;
  /** The folder of the last released bundle: `openapi.json` and `release.json` (`{package, version}`). */
  releasedDir: string;
  /** The freshly built bundle. */
  currentBundle: string;
  /** The spec package's `package.json` (its name and current version). */
  packageJson: string;
}

/** The layout of this repository, found from `start` upwards. */
export function repoLayout(start = process.cwd()): RepoLayout {
  let dir = resolve(start);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new Error(`No pnpm-workspace.yaml in ${start} or above: run the gate inside the repository.`);
    dir = up;
  }
  return {
    root: dir,
    releasedDir: join(dir, 'spec', 'released'),
    currentBundle: join(dir, 'spec', 'dist', 'openapi.json'),
    packageJson: join(dir, 'spec', 'package.json'),
  };
}

function readJson(file: string, what: string): Record<string, unknown> {
  if (!existsSync(file)) throw new Error(`${what} is missing: ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${what} is not valid JSON (${file}): ${(error as Error).message}`);
  }
}

/** Reads the gate's inputs from a checkout. */
export async function readGateInput(layout: RepoLayout): Promise<GateInput> {
  const release = readJson(join(layout.releasedDir, 'release.json'), 'The released version file');
  const pkg = readJson(layout.packageJson, 'The spec package.json');
  if (release.package !== pkg.name) {
    throw new Error(
      `release.json names ${String(release.package)}, but ${layout.packageJson} is ${String(pkg.name)}`,
    );
  }
  const packageName = String(pkg.name);
  return {
    packageName,
    released: {
      document: readJson(join(layout.releasedDir, 'openapi.json'), 'The released bundle'),
      version: String(release.version),
    },
    current: {
      document: readJson(layout.currentBundle, 'The current bundle (run `pnpm build` first)'),
      version: String(pkg.version),
    },
    pendingBump: await pendingBump(layout.root, packageName),
  };
}

/**
 * Records the current bundle as the released one, with the spec package's current version: run right
 * after publishing, so that the next changes are compared with what users now have. Does nothing when
 * that version is the one already recorded (this release did not include the spec).
 */
export function recordRelease(layout: RepoLayout): { version: string; recorded: boolean } {
  const pkg = readJson(layout.packageJson, 'The spec package.json');
  const release = readJson(join(layout.releasedDir, 'release.json'), 'The released version file');
  readJson(layout.currentBundle, 'The current bundle (run `pnpm build` first)');
  const version = String(pkg.version);
  if (release.version === version) return { version, recorded: false };
  copyFileSync(layout.currentBundle, join(layout.releasedDir, 'openapi.json'));
  writeFileSync(
    join(layout.releasedDir, 'release.json'),
    `${JSON.stringify({ package: pkg.name, version }, null, 2)}\n`,
  );
  return { version, recorded: true };
}
