import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { BIN, DEPLOYMENT_YAML, KILL_IF_HUNG, tempFile, tenant } from './support/sgi.js';

/** Starts the built `sgi` piped, calls `until` with its output so far until it says stop, then sends SIGINT. */
function interrupt(args: string[], token: string, until: (stdout: string, stderr: string) => boolean) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SCALEGEN_BASE_URL: inject('sandboxUrl'),
    SCALEGEN_ACCESS_TOKEN: token,
  };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...KILL_IF_HUNG,
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const check = () => {
    if (!sent && until(stdout, stderr)) {
      sent = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    check();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('commands that run until Ctrl-C', () => {
  it('list --watch --json prints one document per refresh, one per line, and exits 0 on Ctrl-C', async () => {
    const { token, run } = tenant();
    expect((await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes'])).code).toBe(0);
    const r = await interrupt(
      ['infer', 'list', '--watch', '--interval', '100ms', '--json'],
      token,
      (out) => out.split('\n').length > 3,
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines)
      expect(JSON.parse(line)).toEqual([expect.objectContaining({ name: 'bge-cli' })]);
  });

  it('list --watch piped prints a plain table per refresh', async () => {
    const { token, run } = tenant();
    expect((await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes'])).code).toBe(0);
    const r = await interrupt(
      ['infer', 'list', '--watch', '--interval', '100ms'],
      token,
      (out) => (out.match(/^ID\s+NAME/gm) ?? []).length >= 2,
    );
    expect(r.code, r.stderr).toBe(0);
    expect((r.stdout.match(/\(Ctrl-C to stop\)/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).not.toContain('\u001b');
  });

  it('a wait interrupted by Ctrl-C exits 130', async () => {
    const { token, run } = tenant();
    const id = (await run(['infer', 'launch', tempFile('d.yaml', DEPLOYMENT_YAML), '--yes'])).stdout.trim();
    expect((await run(['infer', 'stop', id, '--yes'])).code).toBe(0);
    const r = await interrupt(['infer', 'wait', id, '--interval', '100ms'], token, (_out, err) =>
      err.includes('is INACTIVE'),
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted');
  });
});
