import readChangesets from '@changesets/read';

/** A semver bump as changesets names it. */
export type Bump = 'none' | 'patch' | 'minor' | 'major';

const order: Bump[] = ['none', 'patch', 'minor', 'major'];

/**
 * The largest bump that the pending changesets (`<rootDir>/.changeset/*.md`) ask for `packageName`:
 * what `changeset version` would apply to it. `none` when no changeset names the package.
 */
export async function pendingBump(rootDir: string, packageName: string): Promise<Bump> {
  const changesets = await readChangesets(rootDir);
  let bump: Bump = 'none';
  for (const changeset of changesets) {
    for (const release of changeset.releases) {
      if (release.name === packageName && order.indexOf(release.type) > order.indexOf(bump))
        bump = release.type;
    }
  }
  return bump;
}
