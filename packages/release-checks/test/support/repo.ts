import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A workspace package: its folder (relative to the root) and its manifest. */
export interface WorkspacePackage {
  dir: string;
  manifest: { name: string; version: string; private?: boolean; [key: string]: unknown };
}

/** The workspace's settings (`pnpm-workspace.yaml`). */
export function workspaceSettings(): {
  packages: string[];
  onlyBuiltDependencies?: string[];
  ignoredBuiltDependencies?: string[];
  [key: string]: unknown;
} {
  return parse(readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8'));
}

/** Every package of the workspace (the folders its `packages` globs name that hold a package.json). */
export function workspacePackages(): WorkspacePackage[] {
  const dirs = workspaceSettings().packages.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const parent = glob.slice(0, -2);
    return existsSync(join(repoRoot, parent))
      ? readdirSync(join(repoRoot, parent)).map((d) => `${parent}/${d}`)
      : [];
  });
  return dirs
    .filter((dir) => existsSync(join(repoRoot, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) }));
}

/** The packages that get published: the ones that are not private. */
export const publishedPackages = (): WorkspacePackage[] =>
  workspacePackages().filter((p) => !p.manifest.private);

/**
 * A temp copy of the files that describe the workspace (root and package manifests, the lockfile, the
 * workspace settings, `.changeset/`, changelogs), without sources or node_modules.
 */
export function manifestsCopy(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sgi-release-'));
  const files = ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml'];
  for (const pkg of workspacePackages()) {
    files.push(join(pkg.dir, 'package.json'));
    if (existsSync(join(repoRoot, pkg.dir, 'CHANGELOG.md'))) files.push(join(pkg.dir, 'CHANGELOG.md'));
  }
  for (const file of files) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    cpSync(join(repoRoot, file), join(dir, file));
  }
  cpSync(join(repoRoot, '.changeset'), join(dir, '.changeset'), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const exec = promisify(execFile);

/** Runs a command; resolves with its exit code and output instead of throwing on a non-zero exit. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { ...options, timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The environment for pnpm in a temp folder: without the `npm_*` settings of the `pnpm run` around us. */
export function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_') && !key.startsWith('PNPM_')) env[key] = value;
  }
  return { ...env, ...extra };
}
