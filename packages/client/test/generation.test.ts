import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const pkgDir = new URL('..', import.meta.url).pathname;
const schemaFile = 'src/generated/schema.ts';
// The one place that says how the types are generated: the package's own `generate` script.
const generate: string = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).scripts.generate;

/** Runs the generate command with `--check` against `output`; resolves with its exit code. */
async function check(output: string): Promise<number> {
  const cmd = `${generate.replace(/-o \S+/, `-o ${output}`)} --check`;
  return promisify(execFile)('sh', ['-c', cmd], { cwd: pkgDir }).then(
    () => 0,
    (e: { code?: number }) => e.code ?? 1,
  );
}

describe('generated types', () => {
  it('are up to date with the bundled spec', async () => {
    expect(generate).toMatch(/^openapi-typescript \S+ .*-o src\/generated\/schema\.ts/);
    expect(await check(schemaFile)).toBe(0);
  }, 30_000);

  it('the check fails on types that no longer match the spec', async () => {
    const stale = join(mkdtempSync(join(tmpdir(), 'sgi-client-')), 'schema.ts');
    copyFileSync(join(pkgDir, schemaFile), stale);
    writeFileSync(stale, readFileSync(stale, 'utf8').replace('"ACTIVE" | ', ''));
    expect(await check(stale)).not.toBe(0);
  }, 30_000);
});
