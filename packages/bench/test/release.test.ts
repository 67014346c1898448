import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { docs } from '../src/suites/docs.js';

const missingChromium = '/nonexistent/chromium-for-this-test';
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sgi-bench-release-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** How many listening TCP servers this process holds (a closed one is released on the next turn of the loop). */
async function listening(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

describe('a benchmark that fails mid-way', () => {
  it('closes the file server it started when Chromium cannot be launched', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'docs', 'dist'), { recursive: true });
    writeFileSync(join(root, 'docs', 'dist', 'index.html'), '<!doctype html><title>docs</title>');
    const before = await listening();
    await expect(docs({ root, quick: true, log: () => {}, chromiumPath: missingChromium })).rejects.toThrow();
    expect(await listening()).toBe(before);
  });

  it('still gets a report written, and `pnpm bench` exits with 1 on its own', async () => {
    const out = tempDir();
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, '--quick', '--only', 'docs', '--out', out], {
      env: { ...process.env, CHROMIUM_PATH: missingChromium },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    // It ended because nothing was left open, not because the last-resort exit had to step in.
    expect(stderr).not.toContain('still open after the report');
    expect(stderr).toContain('docs failed');
    expect(existsSync(join(out, 'benchmarks.json'))).toBe(true);
    const report = readFileSync(join(out, 'BENCHMARKS.md'), 'utf8');
    expect(report).toContain('it failed');
  }, 180_000);
});
