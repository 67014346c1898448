import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSpec, specYamlPath } from '../index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const redocly = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'sgi-spec-version-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the bundle's info.version", () => {
  it('is the version of @sgi/spec in package.json, in both bundles', () => {
    expect(loadSpec().info.version).toBe(pkg.version);
    expect(parse(readFileSync(specYamlPath, 'utf8')).info.version).toBe(pkg.version);
  });

  it('follows package.json when `changeset version` bumps it, with nothing else changed', {
    timeout: 120_000,
  }, () => {
    for (const part of ['openapi', 'plugins', 'redocly.yaml'])
      cpSync(join(root, part), join(work, part), { recursive: true });
    writeFileSync(join(work, 'package.json'), JSON.stringify({ ...pkg, version: '7.8.9' }));
    execFileSync(
      process.execPath,
      [redocly, 'bundle', 'openapi/openapi.yaml', '--ext', 'json', '-o', 'out.json'],
      {
        cwd: work,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
        stdio: 'pipe',
      },
    );
    const bundled = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'));
    expect(bundled.info.version).toBe('7.8.9');
    expect({ ...bundled, info: { ...bundled.info, version: pkg.version } }).toEqual(loadSpec());
  });
});
