import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { releasePlan } from '../release-plan.mjs';
import { publishedPackages, repoRoot, run, toolEnv, workspacePackages } from './support/repo.js';

type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
const workflow = parse(readFileSync(join(repoRoot, '.github/workflows/release.yml'), 'utf8')) as {
  on: { push: { branches: string[] } };
  permissions: Record<string, string>;
  jobs: { release: { steps: Step[] } };
};
const steps = workflow.jobs.release.steps;
const changesets = steps.find((s) => s.uses?.startsWith('changesets/action@'));
const scripts = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;

describe('the release workflow (.github/workflows/release.yml)', () => {
  it("runs on main with changesets' action: the release pull request, then `pnpm release`", () => {
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(changesets?.with).toMatchObject({
      version: 'pnpm version-packages',
      publish: 'pnpm release',
      createGithubReleases: true,
    });
    expect(steps.findIndex((s) => s.run === 'bash scripts/bootstrap')).toBeLessThan(
      steps.indexOf(changesets as Step),
    );
  });

  it('publishes with npm provenance, which pnpm reads from the environment it sets', async () => {
    expect(workflow.permissions['id-token']).toBe('write');
    expect(changesets?.env?.NPM_CONFIG_PROVENANCE).toBe('true');
    expect(changesets?.env?.NODE_AUTH_TOKEN).toContain('secrets.NPM_TOKEN');
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['registry-url']).toBe(
      'https://registry.npmjs.org',
    );
    const env = toolEnv({ NPM_CONFIG_PROVENANCE: changesets?.env?.NPM_CONFIG_PROVENANCE });
    const config = await run('pnpm', ['config', 'get', 'provenance'], { cwd: repoRoot, env });
    expect(config.output.trim()).toBe('true');
  });

  it('commits the recorded baselines after a publish, with the permission to push tags and commits', () => {
    expect(workflow.permissions.contents).toBe('write');
    expect(workflow.permissions['pull-requests']).toBe('write');
    const record = steps.find((s) => s.if === "steps.changesets.outputs.published == 'true'");
    expect(record?.run).toContain('git add spec/released spec/api/released packages/*/api/released');
    expect(record?.run).toContain('git push origin HEAD:main');
  });

  it('`pnpm release` keeps the steps it calls, and `pnpm version-packages` checks and dates', () => {
    expect(scripts.release?.split(' && ')).toEqual([
      'pnpm build',
      'pnpm test',
      'changeset publish',
      'node packages/breaking-changes/dist/cli.js --record-release',
      'node packages/release-checks/api-report.mjs --record-release',
    ]);
    expect(scripts['version-packages']?.split(' && ')).toEqual([
      'node packages/release-checks/spec-reach.mjs',
      'changeset version',
      'node packages/release-checks/changelog-dates.mjs',
    ]);
    expect(scripts['release:plan']).toBe('node packages/release-checks/release-plan.mjs');
  });
});

describe('the dry run (`pnpm release:plan`)', () => {
  const plan = releasePlan(repoRoot);

  it('tags each released package `<name>@<version>`, and only published packages', () => {
    const published = new Set(publishedPackages().map((p) => p.manifest.name));
    expect(plan.length).toBeGreaterThan(0);
    for (const release of plan) {
      expect(published.has(release.name), release.name).toBe(true);
      expect(release.tag).toBe(`${release.name}@${release.to}`);
    }
    const privateNames = workspacePackages()
      .filter((p) => p.manifest.private)
      .map((p) => p.manifest.name);
    expect(plan.map((r) => r.name).filter((n) => privateNames.includes(n))).toEqual([]);
  });

  it('makes the pending release: @sgi/client and @sgi/mock a new major, @sgi/spec with them', () => {
    const by = Object.fromEntries(plan.map((r) => [r.name, r]));
    const major = (v = '') => Number(v.split('.')[0]);
    for (const name of ['@sgi/client', '@sgi/mock']) {
      expect(major(by[name]?.to), name).toBe(major(by[name]?.from) + 1);
    }
    expect(by['@sgi/spec']?.tag).toMatch(/^@sgi\/spec@\d+\.\d+\.\d+$/);
  });
});
