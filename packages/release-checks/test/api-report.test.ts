import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiBreaks,
  checkReports,
  flagBreaks,
  reportedPackages,
  updateReports,
  workspacePackages,
} from '../api-report.mjs';
import { publishedPackages, repoRoot, run } from './support/repo.js';

const script = join(repoRoot, 'packages/release-checks/api-report.mjs');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages/release-checks/package.json'), 'utf8'));

describe('the API reports of the published packages', () => {
  it('cover every published package with types, and every command line with its flags', () => {
    const reported = reportedPackages();
    expect(reported.map((p) => p.name).sort()).toEqual(
      publishedPackages()
        .map((p) => p.manifest.name)
        .sort(),
    );
    for (const pkg of reported) {
      expect(pkg.types, `${pkg.name} has no types entry`).toBeTruthy();
      expect(pkg.flags, `${pkg.name} has a bin but no flag definitions`).not.toBe(null);
    }
    expect(reported.find((p) => p.name === '@sgi/mock')?.flags).toBe('dist/args.js');
  });

  it('are built after every published package (each is a devDependency here, so turbo builds it first)', () => {
    for (const pkg of publishedPackages()) {
      expect(manifest.devDependencies, `add "${pkg.manifest.name}": "workspace:*"`).toHaveProperty(
        pkg.manifest.name,
        'workspace:*',
      );
    }
  });

  it('are up to date, and nothing breaks unless the package goes out as a new major', async () => {
    const result = await checkReports();
    expect(result.problems).toEqual([]);
    expect(result.notes.join('\n')).toContain('@sgi/client');
  });
});

describe('reading the reports', () => {
  const report = (body: string) => `## API Report File for "x"\n\n\`\`\`ts\n\n${body}\n\n\`\`\`\n`;
  const before = report(
    [
      '// @public\nexport interface Options {\n    retries?: number;\n    level?: "a" | "b";\n}',
      '// @public\nexport function start(options?: Options): void;',
      '// @public\nexport type Mode = "x" | "y";',
    ].join('\n\n'),
  );

  it('an added export or optional member is not breaking; members moved into a base interface are kept', () => {
    const after = report(
      [
        '// @public\nexport interface Base {\n    retries?: number;\n}',
        '// @public\nexport interface Options extends Base {\n    level?: "a" | "b";\n    timeout?: number;\n}',
        '// @public\nexport function start(options?: Options): void;',
        '// @public\nexport type Mode = "x" | "y";',
        '// @public\nexport function stop(): void;',
      ].join('\n\n'),
    );
    expect(apiBreaks(before, after)).toEqual([]);
  });

  it('a removed export, a narrowed type and a removed member are', () => {
    const after = report(
      [
        '// @public\nexport interface Options {\n    level?: "a";\n}',
        '// @public\nexport function start(options?: Options): void;',
        '// Warning: (ae-forgotten-export)\n// @public\ntype Mode = "x" | "y";',
      ].join('\n\n'),
    );
    expect(apiBreaks(before, after)).toEqual([
      'Mode is no longer exported',
      '`Options: retries?: number;` is gone or changed',
      '`Options: level?: "a" | "b";` is gone or changed',
    ]);
  });

  it('a removed flag, a changed kind of value or default are breaking; a new flag is not', () => {
    const flags = (rows: string[]) =>
      `| flag | value | default | when not given |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`;
    const released = flags([
      '| `--port` | string | `4010` | `4010` |',
      '| `--chaos` | string | `0` |  |',
      '| `--log` | boolean |  | `false` |',
    ]);
    expect(
      flagBreaks(released, flags([...released.split('\n').slice(2, 5), '| `--new` | string |  |  |'])),
    ).toEqual([]);
    expect(
      flagBreaks(
        released,
        flags(['| `--port` | string | `8080` | `8080` |', '| `--log` | string, repeatable |  |  |']),
      ),
    ).toEqual([
      '--port: its default changed from `4010` to `8080`',
      '--port: its value when not given changed from `4010` to `8080`',
      '--chaos was removed',
      '--log takes string, repeatable instead of boolean',
      '--log: its value when not given changed from `false` to none',
    ]);
  });
});

/**
 * A scratch repository with one published package copied from this workspace (its manifest at version
 * 1.0.0, its built `dist`, its `node_modules` linked), whose current and released reports are today's:
 * `edit` then changes the built package as a change on a branch would.
 */
function scratch(
  dir: string,
  edit: (dist: string) => void,
  manifest: (m: Record<string, unknown>) => void = () => {},
): string {
  const root = mkdtempSync(join(tmpdir(), 'sgi-api-gate-'));
  const pkg = workspacePackages().find((p) => p.dir === dir);
  if (!pkg) throw new Error(`no package in ${dir}`);
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  mkdirSync(join(root, '.changeset'));
  cpSync(join(repoRoot, '.changeset/config.json'), join(root, '.changeset/config.json'));
  const target = join(root, 'packages', dir.split('/').pop() ?? 'pkg');
  mkdirSync(target, { recursive: true });
  const m = { ...pkg.manifest, version: '1.0.0' };
  manifest(m);
  writeFileSync(join(target, 'package.json'), JSON.stringify(m, null, 2));
  cpSync(join(repoRoot, dir, 'dist'), join(target, 'dist'), { recursive: true });
  symlinkSync(join(repoRoot, dir, 'node_modules'), join(target, 'node_modules'), 'dir');
  const reports = (to: string) =>
    cpSync(join(repoRoot, dir, 'api'), to, { recursive: true, filter: (src) => !src.includes('released') });
  reports(join(target, 'api'));
  reports(join(target, 'api', 'released'));
  writeFileSync(
    join(target, 'api/released/release.json'),
    JSON.stringify({ package: pkg.manifest.name, version: '1.0.0' }),
  );
  edit(join(target, 'dist'));
  return root;
}

function changeset(root: string, name: string, bump: 'minor' | 'major') {
  writeFileSync(join(root, '.changeset', 'change.md'), `---\n"${name}": ${bump}\n---\n\nA change.\n`);
}

const gate = (root: string, ...args: string[]) =>
  run(process.execPath, [script, ...args], { cwd: root, env: { ...process.env, SGI_REPO_ROOT: root } });

const edit = (file: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: nothing to replace for ${from}`);
  writeFileSync(file, next);
};

describe('the gate on a scratch copy', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('@sgi/client: a removed export and a narrowed type fail under a minor changeset and pass under major', async () => {
    root = scratch('packages/client', (dist) => {
      edit(join(dist, 'index.d.ts'), 'type WaitOptions, ', '');
      edit(join(dist, 'index.d.ts'), /type LogLevel = ([^;]*) \| 'debug';/, 'type LogLevel = $1;');
    });
    // (API Extractor runs once for these four checks: the report is cached by the declarations' content.)
    changeset(root, '@sgi/client', 'major');
    const stale = await checkReports(root);
    expect(stale.problems.join('\n')).toContain(
      'packages/client/api/client.api.md is out of date: the built @sgi/client has another API. Run `pnpm api-report`',
    );

    expect(await updateReports(root)).toEqual(['packages/client/api/client.api.md']);
    changeset(root, '@sgi/client', 'minor');
    const minor = await checkReports(root);
    expect(minor.ok).toBe(false);
    const message = minor.problems.join('\n');
    expect(message).toContain('breaking changes since the released @sgi/client@1.0.0');
    expect(message).toContain('the pending changesets ask for minor');
    expect(message).toContain('WaitOptions is no longer exported');
    expect(message).toMatch(/`LogLevel: export type LogLevel = .*'debug';` is gone or changed/);
    expect(message).toContain('choose a major bump for @sgi/client');

    changeset(root, '@sgi/client', 'major');
    const major = await checkReports(root);
    expect(major.problems).toEqual([]);
    expect(major.notes.join('\n')).toContain(
      'released as a major version (a pending changeset asks for major)',
    );
  });

  it.each([
    [
      'a removed flag',
      (dist: string) =>
        edit(join(dist, 'args.js'), /\n\s*(?:chaos: \{ type: 'string' \}|flag\('chaos', [^\n]*\)),/, ''),
      '--chaos was removed',
    ],
    [
      'a changed default',
      (dist: string) => {
        edit(join(dist, 'args.js'), '(default: 4010)', '(default: 8080)');
        edit(join(dist, 'args.js'), '?? 4010', '?? 8080');
      },
      '--port: its default changed from `4010` to `8080`',
    ],
  ])(
    '@sgi/mock: %s fails under a minor changeset (exit 1) and passes under major',
    async (_what, change, listed) => {
      // Its flags only: the scratch manifest names no types, so API Extractor does not run.
      root = scratch('packages/mock', change, (m) => {
        m.exports = { '.': { default: './dist/index.js' } };
      });
      const update = await gate(root, '--update');
      expect(update.code, update.output).toBe(0);
      expect(update.output).toContain('packages/mock/api/mock.flags.md');
      changeset(root, '@sgi/mock', 'minor');
      const minor = await gate(root);
      expect(minor.code, minor.output).toBe(1);
      expect(minor.output).toContain(listed);
      expect(minor.output).toContain('choose a major bump for @sgi/mock');
      changeset(root, '@sgi/mock', 'major');
      const major = await gate(root);
      expect(major.code, major.output).toBe(0);
      expect(major.output).toContain('released as a major version');
    },
  );
});
