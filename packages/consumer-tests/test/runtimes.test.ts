import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runtimes } from '@sgi/test-runtimes';
import { describe, expect, inject, it } from 'vitest';
import { consumerDir } from './support/run.js';

const exec = promisify(execFile);

/**
 * The installed tarballs on each runtime users run them on, from the npm registry's builds
 * (`@sgi/test-runtimes`): one smoke script each (`consumer/smoke.mjs`: the spec loads, the mock's
 * sandbox starts in that runtime, the client creates, waits for, deletes and misses a deployment in
 * it), all at once. Node.js 20, the toolchain's, runs everything else in this package.
 */
describe.concurrent('the packed packages on every runtime users run them on', () => {
  it.each(runtimes().map((r) => [r.name, r] as const))('%s', async (name, runtime) => {
    expect(
      runtime.available,
      `${name} (${runtime.package}) is not installed: run \`bash scripts/bootstrap\` on Linux x64`,
    ).toBe(true);
    const [binary, args] = runtime.command('smoke.mjs');
    const { stdout } = await exec(binary, args, {
      cwd: consumerDir(),
      timeout: 120_000,
      env: {
        ...process.env,
        DENO_DIR: join(consumerDir(), '.deno'),
        DENO_NO_UPDATE_CHECK: '1',
        DO_NOT_TRACK: '1',
        NO_COLOR: '1',
      },
    });
    const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    const runtimeName = name.startsWith('node') ? 'node' : name;
    expect(out).toEqual({
      runtime: `${runtimeName} ${runtime.version}`,
      api: inject('installed')['@sgi/spec'],
      status: 'ACTIVE',
      gone: true,
    });
  });
});
