import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';

/** The built `sgi` command: the tests run what users get. */
export const BIN = fileURLToPath(new URL('../../bin/sgi.js', import.meta.url));

/** A bound for one run of `sgi` in a test (under the test's own timeout): then it is killed. */
export const KILL_IF_HUNG = { timeout: 150_000, killSignal: 'SIGKILL' } as const;

/** What one run of `sgi` did. */
export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link sgi}. */
export interface SgiOptions {
  /** Bearer token (default: the tenant's). */
  token?: string;
  /** Base URL (default: the test's sandbox). */
  baseUrl?: string;
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is a pipe (never a terminal). */
  input?: string;
}

/** The environment of a run: none of the caller's colour or credential settings leak in. */
function baseEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(SCALEGEN_|NO_COLOR$|FORCE_COLOR$|HF_TOKEN$|CI$)/.test(key)) delete env[key];
  }
  return env;
}

/**
 * Runs the built `sgi` as a process with piped standard streams (as in a script), against the
 * test's sandbox, and resolves with its exit code and output.
 */
export function sgi(args: string[], options: SgiOptions & { tenant: string }): Promise<Result> {
  const env: Record<string, string | undefined> = {
    ...baseEnv(),
    SCALEGEN_BASE_URL: options.baseUrl ?? inject('sandboxUrl'),
    SCALEGEN_ACCESS_TOKEN: options.token ?? options.tenant,
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    // Killed if it hangs, so that a failed test leaves no process behind.
    const child = spawn(process.execPath, [BIN, ...args], { env: env as NodeJS.ProcessEnv, ...KILL_IF_HUNG });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A tenant of the sandbox of its own (a fresh bearer token) and `sgi` bound to it. */
export function tenant(): { token: string; run: (args: string[], options?: SgiOptions) => Promise<Result> } {
  const token = `cli-test-${randomUUID()}`;
  return { token, run: (args, options = {}) => sgi(args, { ...options, tenant: token }) };
}

/** Writes `text` to a fresh temp file named `name` and returns its path. */
export function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sgi-cli-test-')), name);
  writeFileSync(path, text);
  return path;
}

/** The sandbox's log of the tenant's requests (newest first): method, path, status. */
export async function requestLog(
  token: string,
  baseUrl: string = inject('sandboxUrl'),
): Promise<Array<{ method: string; path: string; status: number }>> {
  const res = await fetch(`${baseUrl}/__sandbox/requests`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { message: Array<{ method: string; path: string; status: number }> };
  return body.message;
}

/** A create request for the sandbox, as YAML. */
export const DEPLOYMENT_YAML = `# an embedding model on the sandbox
name: bge-cli
model: BAAI/bge-large-en-v1.5
inf_type: embedding
controller_cloud_config:
  cloud_provider: SCALEGENAI
  region: US
initial_worker_config:
  min_workers: 0
  max_workers: 2
  initial_workers_gpu: L4
autoscaling_config:
  scale_to_zero: true
  scale_to_zero_timeout_sec: 1800
`;

/** Any ANSI escape sequence (colour, cursor, clear screen). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape codes is the point
export const ANSI = /\u001b\[/;

/**
 * Runs the built `sgi` on a pseudo-terminal (util-linux `script`), as a person would: standard input,
 * output and error are a terminal. `input` is typed into it. Output comes back as the terminal shows it.
 */
export function sgiOnTerminal(
  args: string[],
  options: { token: string; env?: Record<string, string | undefined>; input?: string },
): Promise<Result> {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  // `script` gives its terminal no size when its own input is not one: 100 columns, as a window would.
  const command = `stty cols 100 rows 40; ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const env: Record<string, string | undefined> = {
    ...baseEnv(),
    TERM: 'xterm-256color',
    SCALEGEN_BASE_URL: inject('sandboxUrl'),
    SCALEGEN_ACCESS_TOKEN: options.token,
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      env: env as NodeJS.ProcessEnv,
      ...KILL_IF_HUNG,
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    if (options.input !== undefined) child.stdin.write(options.input);
  });
}

/**
 * A new tenant with one ACTIVE deployment, made by `sgi infer launch --yes --wait --json` (the
 * launch's own output is `launched`).
 */
export async function withDeployment() {
  const t = tenant();
  const launched = await t.run([
    'infer',
    'launch',
    tempFile('d.yaml', DEPLOYMENT_YAML),
    '--yes',
    '--wait',
    '--interval',
    '100ms',
    '--json',
  ]);
  expect(launched.code, launched.stderr).toBe(0);
  return { ...t, launched, id: (JSON.parse(launched.stdout) as { id: string }).id };
}
