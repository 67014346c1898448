import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** `pnpm --filter @sgi/bench bench -- --only docs` hands the CLI a leading `--`: it is not an argument. */

async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

describe('the bench command line', () => {
  it('reads the options after a leading `--` (as pnpm passes them)', async () => {
    const { code, stderr } = await run(['--', '--only', 'no-such-benchmark']);
    expect(code).toBe(1);
    expect(stderr).toContain('unknown benchmark "no-such-benchmark"');
  }, 180_000);

  it('still refuses a stray argument', async () => {
    const { code, stderr } = await run(['--only', 'docs', 'stray']);
    expect(code).toBe(1);
    expect(stderr).toContain("Unexpected argument 'stray'");
  }, 180_000);
});
