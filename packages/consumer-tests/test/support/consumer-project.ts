import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { extraDependencies, publishedPackages } from '../../published-packages.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway npm project that installed the packed packages. */
    consumerDir: string;
    /** The published packages that were packed and installed, by name, with their versions. */
    installed: Record<string, string>;
  }
}

const run = promisify(execFile);
/** npm settings a user or CI may have set on purpose (a registry mirror, a proxy, a cache): kept. */
const KEEP =
  /^npm_config_(registry|cache|userconfig|globalconfig|https?_proxy|proxy|noproxy|strict_ssl|cafile|ca|@.+:registry)$/i;

/**
 * The environment for pnpm pack and npm install: no network guard (npm runs offline, from its cache),
 * and none of the `npm_*` variables that `pnpm run` sets for its own scripts, which npm would obey.
 */
function installEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key === 'SGI_NETWORK_GUARD_LOG') continue;
    if (key.toLowerCase().startsWith('npm_') && !KEEP.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

let workDir: string | undefined;

/**
 * Packs every published package with `pnpm pack` (workspace versions resolved, as on publish) and
 * installs the tarballs with npm into a fresh project in the system's temp folder, outside the
 * workspace: no workspace links, only what the tarballs declare. Done once for the whole run.
 */
export async function setup(project: TestProject): Promise<void> {
  workDir = mkdtempSync(join(tmpdir(), 'sgi-consumer-'));
  const tarballs = join(workDir, 'tarballs');
  const consumer = join(workDir, 'project');
  mkdirSync(tarballs);
  const packages = publishedPackages();
  for (const pkg of packages) {
    await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: pkg.dir, env: installEnv() });
  }
  cpSync(fileURLToPath(new URL('../../consumer/', import.meta.url)), consumer, { recursive: true });
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: 'sgi-consumer', private: true, type: 'module' }, null, 2)}\n`,
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  // --offline: the test sends nothing beyond loopback; `scripts/bootstrap` filled npm's cache
  // (warm-npm-cache.mjs). --ignore-scripts: no dependency's install script runs here.
  const extras = Object.entries(extraDependencies).map(([name, version]) => `${name}@${version}`);
  await run(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      ...files,
      ...extras,
    ],
    { cwd: consumer, env: installEnv(), timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
  ).catch((e: { stderr?: string }) => {
    throw new Error(
      `npm could not install the tarballs offline: its cache lacks a dependency. Run \`bash scripts/bootstrap\` ` +
        `(it runs packages/consumer-tests/warm-npm-cache.mjs). npm said: ${e.stderr ?? e}`,
    );
  });
  project.provide('consumerDir', consumer);
  project.provide('installed', Object.fromEntries(packages.map((p) => [p.name, p.version])));
}

export function teardown(): void {
  if (workDir && !process.env.SGI_KEEP_CONSUMER) rmSync(workDir, { recursive: true, force: true });
}
