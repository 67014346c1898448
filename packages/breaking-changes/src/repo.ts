import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pendingBump } from './changesets.js';
import type { GateInput } from './gate.js';

/**
 * One OpenAPI document of the spec package that the gate guards: its bundle is `spec/dist/<file>` and
 * its baseline `spec/released/<file>`, under the same name.
 */
export interface SpecDocument {
  /** The bundle's file name, in `spec/dist/` and in `spec/released/`. */
  file: string;
  /** What the document describes, as the gate's messages name it ("the API description"). */
  title: string;
}

/**
 * The documents `@sgi/spec` ships, each gated against its own baseline: the Inference API
 * (`openapi.json`) and a deployment's model endpoint (`endpoint.json`).
 */
const API_DOCUMENT: SpecDocument = { file: 'openapi.json', title: 'the API description' };
export const SPEC_DOCUMENTS: readonly SpecDocument[] = [
  API_DOCUMENT,
  { file: 'endpoint.json', title: "the deployment endpoint's description" },
];

/** Where the gate finds its inputs in a checkout of this repository. */
export interface RepoLayout {
  /** The repository root (the folder with `pnpm-workspace.yaml` and `.changeset/`). */
  root: string;
  /**
   * The folder of the baselines: one released bundle per document (`openapi.json`, `endpoint.json`) and
   * `release.json` (`{package, version}`, the spec package's version they were recorded at).
   */
  releasedDir: string;
  /** The folder of the freshly built bundles. */
  distDir: string;
  /** The spec package's `package.json` (its name and current version). */
  packageJson: string;
  /** The documents gated, each against its own baseline. */
  documents: readonly SpecDocument[];
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
    distDir: join(dir, 'spec', 'dist'),
    packageJson: join(dir, 'spec', 'package.json'),
    documents: SPEC_DOCUMENTS,
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

/**
 * Reads the gate's inputs for one document (the API description unless `document` names another):
 * its baseline, its current bundle, the spec package's versions and the pending bump.
 */
export async function readGateInput(
  layout: RepoLayout,
  document: SpecDocument = API_DOCUMENT,
): Promise<GateInput> {
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
    title: document.title,
    released: {
      document: readJson(
        join(layout.releasedDir, document.file),
        `The released bundle of ${document.title} (${document.file})`,
      ),
      version: String(release.version),
    },
    current: {
      document: readJson(
        join(layout.distDir, document.file),
        `The current bundle of ${document.title} (run \`pnpm build\` first)`,
      ),
      version: String(pkg.version),
    },
    pendingBump: await pendingBump(layout.root, packageName),
  };
}

/** The gate's inputs for every document of the layout, in its order. */
export async function readGateInputs(layout: RepoLayout): Promise<GateInput[]> {
  const inputs: GateInput[] = [];
  for (const document of layout.documents) inputs.push(await readGateInput(layout, document));
  return inputs;
}

/**
 * Records every current bundle as the released one, with the spec package's current version: run right
 * after publishing, so that the next changes are compared with what users now have. Does nothing when
 * that version is the one already recorded (this release did not include the spec).
 */
export function recordRelease(layout: RepoLayout): { version: string; recorded: boolean } {
  const pkg = readJson(layout.packageJson, 'The spec package.json');
  const release = readJson(join(layout.releasedDir, 'release.json'), 'The released version file');
  for (const document of layout.documents)
    readJson(
      join(layout.distDir, document.file),
      `The current bundle of ${document.title} (run \`pnpm build\` first)`,
    );
  const version = String(pkg.version);
  if (release.version === version) return { version, recorded: false };
  for (const document of layout.documents)
    copyFileSync(join(layout.distDir, document.file), join(layout.releasedDir, document.file));
  writeFileSync(
    join(layout.releasedDir, 'release.json'),
    `${JSON.stringify({ package: pkg.name, version }, null, 2)}\n`,
  );
  return { version, recorded: true };
}
