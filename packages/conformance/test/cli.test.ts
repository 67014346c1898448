import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MockServer, startMockServer } from '@sgi/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DriftingServer, startDriftingServer } from './support/drifting-server.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TOKEN = 'cli-secret-token-value';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  options: { token?: string; onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, SCALEGEN_TOKEN: options.token ?? TOKEN };
    if (options.token === '') delete env.SCALEGEN_TOKEN;
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let mock: MockServer;
let drifting: DriftingServer;
let dir: string;
beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
  drifting = await startDriftingServer({ bareGet: true, notFound204: true, wrongTypeCost: true });
  dir = mkdtempSync(join(tmpdir(), 'sgi-conformance-'));
});
afterAll(async () => {
  await mock.close();
  await drifting.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sgi-conformance', () => {
  it('exits 0 against the sandbox, with a table, a JUnit file and a cost warning for writes', async () => {
    const junit = join(dir, 'sandbox.xml');
    const result = await run([
      '--base-url',
      mock.url,
      '--allow-writes',
      '--poll-interval-ms',
      '10',
      '--junit',
      junit,
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toContain('--allow-writes: this creates a real deployment');
    expect(result.stderr).toContain('costs money');
    expect(result.stdout).toMatch(/^result\s+check\s+operation\s+status\s+kind\s+pointer\s+message$/m);
    expect(result.stdout).toMatch(
      /checks against http:\/\/127\.0\.0\.1:\d+: 0 new drift, 0 warnings, 0 known drift\./,
    );
    expect(readFileSync(junit, 'utf8')).toMatch(
      /<testsuites name="sgi-conformance" tests="\d+" failures="0"/,
    );
    expect(result.stdout + result.stderr + readFileSync(junit, 'utf8')).not.toContain(TOKEN);
  });

  it('exits 1 on new drift, and accepts the known drift', async () => {
    const junit = join(dir, 'drift.xml');
    const result = await run([
      '--base-url',
      drifting.url,
      '--allow-writes',
      '--poll-interval-ms',
      '1',
      '--junit',
      junit,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+.*getInferenceDeployment\s+200\s+schema\s+\/cost/);
    expect(result.stdout).toMatch(/known \(get-bare-object\)/);
    expect(result.stdout).toMatch(/known \(get-not-found-204\)/);
    expect(readFileSync(junit, 'utf8')).toContain('<failure');
    expect(drifting.live()).toEqual([]);
  });

  it('deletes what it created when interrupted half-way (SIGINT)', async () => {
    const slow = await startDriftingServer({ neverReady: true });
    try {
      let sent = false;
      const result = await run(['--base-url', slow.url, '--allow-writes', '--poll-interval-ms', '50'], {
        onStderr: (text, kill) => {
          if (!sent && text.includes('lifecycle: wait until ACTIVE')) {
            sent = true;
            kill('SIGINT');
          }
        },
      });
      expect(sent).toBe(true);
      expect(result.stderr).toContain('SIGINT: stopping, deleting what this run created');
      expect(result.stderr).toMatch(/clean-up: deleting [0-9a-f-]{36}/);
      expect(result.code).toBe(130);
      expect(slow.creates.length).toBe(2);
      expect(slow.live()).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('deletes what it created when the lifecycle fails half-way', async () => {
    const slow = await startDriftingServer({ neverReady: true });
    try {
      const result = await run([
        '--base-url',
        slow.url,
        '--allow-writes',
        '--poll-interval-ms',
        '10',
        '--ready-timeout-ms',
        '200',
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/FAIL\s+lifecycle: wait until ACTIVE .*did not get there within 200 ms/);
      expect(slow.live()).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('refuses bad usage with a clear message and exit code 2', async () => {
    const noUrl = await run([]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('--base-url is required');
    const noToken = await run(['--base-url', mock.url], { token: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('Set SCALEGEN_TOKEN');
    const badDrift = join(dir, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(badDrift, 'drifts:\n  - id: x\n    operation: getInferenceDeployment\n    kind: status\n');
    const bad = await run(['--base-url', mock.url, '--known-drift', badDrift]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('drifts[0] (x): `reason` must say why the difference is accepted');
  });
});
