import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestsCopy, repoRoot, run, toolEnv, workspaceSettings } from './support/repo.js';

describe('installs come from the lockfile', () => {
  it('CI installs with --frozen-lockfile', () => {
    expect(readFileSync(join(repoRoot, '.ci/run'), 'utf8')).toContain('bash scripts/bootstrap');
    expect(readFileSync(join(repoRoot, 'scripts/bootstrap'), 'utf8')).toMatch(
      /^pnpm install --frozen-lockfile$/m,
    );
  });

  it('the lockfile matches every package.json, and a frozen install refuses one that does not', async () => {
    const copy = manifestsCopy();
    try {
      const args = ['install', '--frozen-lockfile', '--lockfile-only', '--offline'];
      const inSync = await run('pnpm', args, { cwd: copy.dir, env: toolEnv() });
      expect(inSync.code, inSync.output).toBe(0);

      const manifest = join(copy.dir, 'spec/package.json');
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      pkg.devDependencies['left-pad'] = '1.3.0';
      writeFileSync(manifest, JSON.stringify(pkg));
      const drifted = await run('pnpm', args, { cwd: copy.dir, env: toolEnv() });
      expect(drifted.code).not.toBe(0);
      expect(drifted.output).toContain('ERR_PNPM_OUTDATED_LOCKFILE');
    } finally {
      copy.remove();
    }
  });
});

/** The dependencies whose build scripts pnpm skipped because no setting names them (`pnpm ignored-builds`). */
async function ignoredBuilds(cwd: string): Promise<string[]> {
  const report = await run('pnpm', ['ignored-builds'], { cwd, env: toolEnv() });
  if (report.code !== 0) throw new Error(`pnpm ignored-builds failed:\n${report.output}`);
  return report.output
    .split('\n')
    .filter((line) => /^\s{2}\S+@\S+/.test(line))
    .map((line) => line.trim());
}

describe('only the build scripts that pnpm-workspace.yaml names may run', () => {
  it('names a short allow-list and no blanket permission', () => {
    const settings = workspaceSettings();
    expect(settings.onlyBuiltDependencies).toEqual(expect.arrayContaining(['esbuild']));
    expect(settings.onlyBuiltDependencies?.length).toBeLessThanOrEqual(5);
    expect(settings).not.toHaveProperty('dangerouslyAllowAllBuilds');
    expect(settings).not.toHaveProperty('neverBuiltDependencies');
  });

  it('a dependency that is not named, or is named as ignored, does not get to run its install script', async () => {
    const copy = manifestsCopy();
    try {
      // A project under this repository's pnpm settings, with two local dependencies whose postinstall
      // scripts would leave a marker file: one not named anywhere, one named in ignoredBuiltDependencies.
      const fixture = join(copy.dir, 'fixture');
      const markers = join(fixture, 'markers');
      mkdirSync(markers, { recursive: true });
      writeFileSync(
        join(fixture, 'pnpm-workspace.yaml'),
        readFileSync(join(repoRoot, 'pnpm-workspace.yaml')),
      );
      const ignored = workspaceSettings().ignoredBuiltDependencies?.[0] ?? '@scarf/scarf';
      const deps: Record<string, string> = {};
      for (const name of ['unnamed-dependency', ignored]) {
        const dir = join(fixture, 'deps', name);
        mkdirSync(dir, { recursive: true });
        const script = `require('fs').writeFileSync(require('path').join(process.env.MARKERS, '${name.replace('/', '+')}'), 'ran')`;
        writeFileSync(
          join(dir, 'package.json'),
          JSON.stringify({ name, version: '1.0.0', scripts: { postinstall: `node -e "${script}"` } }),
        );
        deps[name] = `file:./deps/${name}`;
      }
      writeFileSync(
        join(fixture, 'package.json'),
        JSON.stringify({ name: 'fixture', private: true, dependencies: deps }),
      );

      const install = await run('pnpm', ['install', '--offline'], {
        cwd: fixture,
        env: toolEnv({ MARKERS: markers }),
      });
      expect(install.code, install.output).toBe(0);
      expect(existsSync(join(fixture, 'node_modules', 'unnamed-dependency', 'package.json'))).toBe(true);
      expect(readdirSync(markers)).toEqual([]);
      expect(await ignoredBuilds(fixture)).toEqual(['unnamed-dependency@file:deps/unnamed-dependency']);
    } finally {
      copy.remove();
    }
  });

  it('in this install, every dependency with a build script is named (allowed or ignored)', async () => {
    expect(await ignoredBuilds(repoRoot)).toEqual([]);
  });
});
