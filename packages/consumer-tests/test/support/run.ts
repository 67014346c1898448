import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const exec = promisify(execFile);

/** The throwaway project's folder. */
export const consumerDir = (): string => inject('consumerDir');

/** Runs `node <file> ...args` in the consumer project and returns what it printed, parsed as JSON. */
export async function runJson<T>(file: string, ...args: string[]): Promise<T> {
  const { stdout } = await exec(process.execPath, [file, ...args], { cwd: consumerDir(), timeout: 60_000 });
  return JSON.parse(stdout) as T;
}

/** Runs a command from the consumer project's `node_modules/.bin`. */
export async function runBin(name: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec(join(consumerDir(), 'node_modules', '.bin', name), args, {
    cwd: consumerDir(),
    timeout: 120_000,
  });
}

/** A program started from the consumer project's `node_modules/.bin`, until it prints `ready`'s match. */
export async function startBin(
  name: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; stop: () => Promise<number | null> }> {
  const child = spawn(join(consumerDir(), 'node_modules', '.bin', name), args, {
    cwd: consumerDir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  };
  let output = '';
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within 60 s:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  }).catch(async (error: Error) => {
    await stop();
    throw error;
  });
  return { child, match, stop };
}

/**
 * Runs `npx <args>` in the consumer project, as a user would after `npm install`, and resolves with
 * its exit code and output (it never rejects on a non-zero exit). npm runs offline: the bin is
 * installed, nothing is fetched. `env` is added to the environment.
 */
export function runNpx(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The `npm_*` variables that `pnpm run` sets for its own scripts would steer npm.
    if (!key.toLowerCase().startsWith('npm_')) base[key] = value;
  }
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['--offline', ...args],
      {
        cwd: consumerDir(),
        timeout: 120_000,
        env: { ...base, npm_config_update_notifier: 'false', ...env },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
