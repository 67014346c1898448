#!/usr/bin/env node
// A spec change reaches every package built from it. `@sgi/client`'s types are generated from
// `@sgi/spec` when it is built, but it only lists the spec in its devDependencies, which changesets never
// bumps for: a changeset naming `@sgi/spec` alone would release the spec (and `@sgi/mock`, which depends
// on it) and leave the client on npm without the change. This check fails while the pending changesets
// release `@sgi/spec` but not every published package that lists it in its devDependencies.
// `pnpm version-packages` runs it before `changeset version`, and `pnpm test` runs it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import readChangesets from '@changesets/read';
import { parse } from 'yaml';

const SPEC = '@sgi/spec';

/** The published packages of the workspace at `root` (folders its globs name, not private). */
function published(root) {
  const { packages } = parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'));
  return packages
    .flatMap((glob) => {
      if (!glob.endsWith('/*')) return [glob];
      const parent = glob.slice(0, -2);
      return existsSync(join(root, parent))
        ? readdirSync(join(root, parent)).map((d) => `${parent}/${d}`)
        : [];
    })
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')))
    .filter((manifest) => !manifest.private);
}

/** The published packages built from the spec that changesets will not release by itself with it. */
export function builtFromSpec(root) {
  return published(root)
    .filter((m) => m.devDependencies?.[SPEC] && !m.dependencies?.[SPEC] && !m.peerDependencies?.[SPEC])
    .map((m) => m.name);
}

/**
 * The problems with the pending changesets of the repository at `root`: one per package built from
 * the spec that is not released while the spec is. Empty when the spec is not released.
 */
export async function specReachProblems(root) {
  const changesets = await readChangesets(root);
  const named = new Map();
  for (const changeset of changesets) {
    for (const release of changeset.releases) {
      if (release.type === 'none') continue;
      named.set(release.name, [...(named.get(release.name) ?? []), changeset.id]);
    }
  }
  const spec = named.get(SPEC);
  if (!spec) return [];
  return builtFromSpec(root)
    .filter((name) => !named.has(name))
    .map(
      (name) =>
        `The pending changesets release ${SPEC} (${spec.map((id) => `.changeset/${id}.md`).join(', ')}) but not ${name}, whose types are generated from it: add "${name}": patch (or the bump its users see) to the changeset, so that ${name} on npm gets the change too.`,
    );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  specReachProblems(root).then(
    (problems) => {
      for (const p of problems) console.error(p);
      process.exitCode = problems.length > 0 ? 1 : 0;
    },
    (error) => {
      console.error(`spec-reach: ${error.message}`);
      process.exitCode = 2;
    },
  );
}
