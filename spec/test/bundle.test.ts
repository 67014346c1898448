import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec, specJsonPath, specYamlPath } from '../index.js';

const require = createRequire(import.meta.url);
const redocly = require.resolve('@redocly/cli/bin/cli.js');
const root = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'sgi-spec-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Bundles the source tree again, the way `pnpm build` does, into the temp folder. */
function bundle(file: string, ...args: string[]): string {
  const target = join(out, file);
  execFileSync(process.execPath, [redocly, 'bundle', 'openapi/openapi.yaml', ...args, '-o', target], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    stdio: 'pipe',
  });
  return readFileSync(target, 'utf8');
}

describe('the bundle', () => {
  // Three CLI runs: generous on a loaded 2-core machine (this bounds a hang, it measures nothing).
  it('is deterministic and matches the built dist/ byte for byte', { timeout: 120_000 }, () => {
    const first = bundle('a.json', '--ext', 'json');
    const second = bundle('b.json', '--ext', 'json');
    expect(second).toBe(first);
    expect(readFileSync(specJsonPath, 'utf8')).toBe(first);
    expect(readFileSync(specYamlPath, 'utf8')).toBe(bundle('a.yaml'));
  });

  it('has no external $ref left', () => {
    const refs = JSON.stringify(loadSpec()).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => !r.startsWith('"$ref":"#/'))).toEqual([]);
  });
});

describe('the package entry points', () => {
  it('loadSpec returns a fresh object each call', () => {
    const a = loadSpec();
    a.info.title = 'changed';
    expect(loadSpec().info.title).toBe('ScaleGenAI Inference API');
  });

  it('the CommonJS entry points at the same files', () => {
    const cjs = require('../index.cjs') as typeof import('../index.js');
    expect(cjs.specJsonPath).toBe(specJsonPath);
    expect(cjs.specYamlPath).toBe(specYamlPath);
    expect(cjs.loadSpec().openapi).toBe('3.1.0');
  });
});
