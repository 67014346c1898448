import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import readChangesets from '@changesets/read';
import { describe, expect, it } from 'vitest';
import { dateChangelogs } from '../changelog-dates.mjs';
import { builtFromSpec, specReachProblems } from '../spec-reach.mjs';
import {
  manifestsCopy,
  publishedPackages,
  repoRoot,
  run,
  toolEnv,
  workspacePackages,
} from './support/repo.js';

const PUBLISHED = ['@sgi/cli', '@sgi/client', '@sgi/mock', '@sgi/spec'];
const REPOSITORY = 'git+https://github.com/scalegenai/sgi-developer-surface.git';
const config = JSON.parse(readFileSync(join(repoRoot, '.changeset/config.json'), 'utf8'));

describe('what gets published', () => {
  it('is @sgi/spec and, once they exist, @sgi/client, @sgi/mock and @sgi/cli; everything else is private', () => {
    const names = publishedPackages().map((p) => p.manifest.name);
    expect(names).toContain('@sgi/spec');
    for (const name of names) expect(PUBLISHED).toContain(name);
  });

  it.each(publishedPackages().map((p) => [p.manifest.name, p] as const))(
    '%s is ready to publish',
    (_name, pkg) => {
      const m = pkg.manifest;
      expect(m.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      expect(m.license).toBe('Apache-2.0');
      expect(m.engines).toMatchObject({ node: expect.stringMatching(/^>=20/) });
      expect(m.files).toEqual(expect.arrayContaining(['dist']));
      expect(m.exports).toBeDefined();
      expect(existsSync(join(repoRoot, pkg.dir, 'README.md')), `${pkg.dir}/README.md`).toBe(true);
      expect(existsSync(join(repoRoot, pkg.dir, 'CHANGELOG.md')), `${pkg.dir}/CHANGELOG.md`).toBe(true);
      expect(readFileSync(join(repoRoot, pkg.dir, 'CHANGELOG.md'), 'utf8')).toMatch(
        new RegExp(`^# ${m.name}\\n`),
      );
    },
  );

  it.each(publishedPackages().map((p) => [p.manifest.name, p] as const))(
    '%s ships the license text and says where its source, home page and issues are',
    (_name, pkg) => {
      const license = join(repoRoot, pkg.dir, 'LICENSE');
      expect(existsSync(license), `${pkg.dir}/LICENSE`).toBe(true);
      const text = readFileSync(license, 'utf8');
      expect(text).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
      expect(text).toContain('END OF TERMS AND CONDITIONS');
      expect(text).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
      const m = pkg.manifest as Record<string, unknown>;
      expect(m.repository).toEqual({ type: 'git', url: REPOSITORY, directory: pkg.dir });
      expect(m.homepage).toBe(
        `https://github.com/scalegenai/sgi-developer-surface/tree/main/${pkg.dir}#readme`,
      );
      expect(m.bugs).toEqual({ url: 'https://github.com/scalegenai/sgi-developer-surface/issues' });
    },
  );

  it.each(publishedPackages().map((p) => [p.manifest.name, p] as const))(
    '%s runs nothing on install and pins its dependencies',
    (_name, pkg) => {
      const scripts = (pkg.manifest.scripts ?? {}) as Record<string, string>;
      for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
        expect(scripts).not.toHaveProperty(hook);
      const deps = { ...(pkg.manifest.dependencies as Record<string, string> | undefined) };
      for (const [dep, range] of Object.entries(deps)) {
        expect(range, `${pkg.manifest.name} -> ${dep}`).toMatch(/^(workspace:\*|\d+\.\d+\.\d+)$/);
      }
    },
  );
});

describe('changelogs', () => {
  it.each(publishedPackages().map((p) => [p.manifest.name, p] as const))(
    "every version in %s's CHANGELOG.md says when it was released",
    (_name, pkg) => {
      const text = readFileSync(join(repoRoot, pkg.dir, 'CHANGELOG.md'), 'utf8');
      const versions = text.match(/^## \d+\.\d+\.\d+\S*$/gm) ?? [];
      // A package not released yet (0.0.0) has no version in its changelog.
      if (pkg.manifest.version !== '0.0.0') expect(versions.length).toBeGreaterThan(0);
      expect(text.match(/^## \d+\.\d+\.\d+\S*\n\nReleased \d{4}-\d{2}-\d{2}\.$/gm) ?? []).toHaveLength(
        versions.length,
      );
    },
  );
});

describe('changesets', () => {
  it('publish publicly, version no private package, and write changelogs without the network', () => {
    expect(config).toMatchObject({ access: 'public', baseBranch: 'main', commit: false });
    expect(config.privatePackages).toEqual({ version: false, tag: false });
    expect(config.changelog).toBe('@changesets/cli/changelog');
    const names = workspacePackages().map((p) => p.manifest.name);
    for (const ignored of config.ignore) expect(names).toContain(ignored);
  });

  it('every pending changeset names only published packages', async () => {
    for (const changeset of await readChangesets(repoRoot)) {
      for (const release of changeset.releases) {
        expect(PUBLISHED, `.changeset/${changeset.id}.md names ${release.name}`).toContain(release.name);
      }
    }
  });

  it('`changeset version` turns a major changeset into versions and changelog entries', async () => {
    const copy = manifestsCopy();
    try {
      writeFileSync(
        join(copy.dir, '.changeset', 'drop-list.md'),
        '---\n"@sgi/spec": major\n---\n\nRemove `GET /sg_inf/list`.\n',
      );
      const cli = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
      const result = await run(process.execPath, [cli, 'version'], { cwd: copy.dir, env: toolEnv() });
      expect(result.code, result.output).toBe(0);

      const read = (dir: string) => JSON.parse(readFileSync(join(copy.dir, dir, 'package.json'), 'utf8'));
      const before = Object.fromEntries(workspacePackages().map((p) => [p.manifest.name, p]));
      const spec = before['@sgi/spec'];
      if (!spec) throw new Error('no @sgi/spec in the workspace');
      expect(read(spec.dir).version).toBe(`${Number(spec.manifest.version.split('.')[0]) + 1}.0.0`);
      expect(readFileSync(join(copy.dir, spec.dir, 'CHANGELOG.md'), 'utf8')).toMatch(
        /^# @sgi\/spec\n\n## \d+\.0\.0\n\n### Major Changes\n\n- Remove `GET \/sg_inf\/list`\.\n/,
      );
      expect(existsSync(join(copy.dir, '.changeset', 'drop-list.md'))).toBe(false);
      // `pnpm version-packages` then dates the new versions, and only those.
      expect(dateChangelogs(copy.dir, '2030-01-02')).toContain(join(spec.dir, 'CHANGELOG.md'));
      const changelog = readFileSync(join(copy.dir, spec.dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toMatch(
        /^# @sgi\/spec\n\n## \d+\.0\.0\n\nReleased 2030-01-02\.\n\n### Major Changes\n/,
      );
      expect(changelog.match(/^Released 2030-01-02\.$/gm)).toHaveLength(1);
      expect(dateChangelogs(copy.dir, '2030-01-03')).toEqual([]);
      for (const pkg of workspacePackages()) {
        if (pkg.manifest.private) expect(read(pkg.dir).version, pkg.manifest.name).toBe(pkg.manifest.version);
      }
    } finally {
      copy.remove();
    }
  });
});

describe('a spec change reaches every package built from it', () => {
  it('@sgi/client is built from @sgi/spec without depending on it at run time', () => {
    expect(builtFromSpec(repoRoot)).toEqual(['@sgi/client']);
  });

  it('the pending changesets release every package built from the spec when they release the spec', async () => {
    expect(await specReachProblems(repoRoot)).toEqual([]);
  });

  it('a changeset naming only @sgi/spec fails; with @sgi/client named, `changeset version` releases both', async () => {
    const copy = manifestsCopy();
    try {
      for (const file of readdirSync(join(copy.dir, '.changeset'))) {
        if (file.endsWith('.md') && file !== 'README.md') rmSync(join(copy.dir, '.changeset', file));
      }
      const specOnly = '---\n"@sgi/spec": minor\n---\n\nDeployments can carry `labels`.\n';
      writeFileSync(join(copy.dir, '.changeset', 'labels.md'), specOnly);
      const problems = await specReachProblems(copy.dir);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('release @sgi/spec (.changeset/labels.md) but not @sgi/client');
      expect(problems[0]).toContain('add "@sgi/client": patch');

      writeFileSync(
        join(copy.dir, '.changeset', 'labels.md'),
        specOnly.replace('"@sgi/spec": minor\n', '"@sgi/spec": minor\n"@sgi/client": minor\n'),
      );
      expect(await specReachProblems(copy.dir)).toEqual([]);
      const cli = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
      const result = await run(process.execPath, [cli, 'version'], { cwd: copy.dir, env: toolEnv() });
      expect(result.code, result.output).toBe(0);
      const version = (dir: string) =>
        JSON.parse(readFileSync(join(copy.dir, dir, 'package.json'), 'utf8')).version;
      const before = Object.fromEntries(
        workspacePackages().map((p) => [p.manifest.name, p.manifest.version]),
      );
      const minor = (v = '') => v.replace(/^(\d+)\.(\d+)\.\d+.*$/, (_, a, b) => `${a}.${Number(b) + 1}.0`);
      expect(version('spec')).toBe(minor(before['@sgi/spec']));
      expect(version('packages/client')).toBe(minor(before['@sgi/client']));
      expect(readFileSync(join(copy.dir, 'packages/client/CHANGELOG.md'), 'utf8')).toContain(
        'Deployments can carry `labels`.',
      );
    } finally {
      copy.remove();
    }
  });

  it('`pnpm version-packages` checks it before `changeset version`', () => {
    const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts;
    expect(scripts['version-packages']).toMatch(
      /^node packages\/release-checks\/spec-reach\.mjs && changeset version/,
    );
  });
});
