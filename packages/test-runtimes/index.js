// The runtimes the consumer tests run the published packages on, as installed from the npm registry
// by this package's optional dependencies (Linux x64 builds: elsewhere npm and pnpm skip them, and
// `runtimes()` says which are missing). Nothing here runs on install.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Each runtime: its name, the package that ships it, the binary in it and how to run a script with it. */
const RUNTIMES = [
  { name: 'node22', dep: 'runtime-node22', bin: 'bin/node', args: (script) => [script] },
  { name: 'node24', dep: 'runtime-node24', bin: 'bin/node', args: (script) => [script] },
  { name: 'node26', dep: 'runtime-node26', bin: 'bin/node', args: (script) => [script] },
  // `--no-install`: Bun never fetches a package, it uses the project's node_modules.
  { name: 'bun', dep: 'runtime-bun', bin: 'bin/bun', args: (script) => ['--no-install', 'run', script] },
  // Deno uses the project's package.json and node_modules (no download), with only the permissions the
  // packages need: reading files, the environment and system facts, and the network on loopback only.
  {
    name: 'deno',
    dep: 'runtime-deno',
    bin: 'deno',
    args: (script) => [
      'run',
      '--quiet',
      '--no-prompt',
      '--node-modules-dir=manual',
      '--allow-read',
      '--allow-env',
      '--allow-sys',
      '--allow-net=127.0.0.1,localhost',
      script,
    ],
  },
];

/**
 * The runtimes, each with `available` (its package is installed here), the `version` of that package,
 * the `binary`'s path and `command(script)`: the binary and arguments that run a script with it.
 */
export function runtimes() {
  return RUNTIMES.map(({ name, dep, bin, args }) => {
    let dir;
    try {
      dir = dirname(require.resolve(`${dep}/package.json`));
    } catch {
      dir = undefined;
    }
    const binary = dir ? join(dir, bin) : '';
    const available = Boolean(dir) && existsSync(binary);
    const version = dir ? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version : undefined;
    return { name, package: dep, version, available, binary, command: (script) => [binary, args(script)] };
  });
}
