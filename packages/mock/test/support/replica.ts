import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A sandbox process (the built `sgi-mock`), one replica among several sharing a store. */
export interface Replica {
  url: string;
  child: ChildProcess;
  /** Everything it wrote so far. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `sgi-mock --mode sandbox --port 0 ...args` and resolves once it prints its URL. */
export function startReplica(args: readonly string[]): Promise<Replica> {
  const child = spawn(process.execPath, [cli, '--mode', 'sandbox', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // No grace period on SIGTERM unless a test asks for one: stopping a test's server need not wait.
    env: { ...process.env, SGI_MOCK_SHUTDOWN_GRACE_MS: '0' },
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const keep = (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-20_000);
      const url = /listening on (http:\/\/[^\s"]+)/.exec(out)?.[1];
      if (url) {
        resolve({
          url,
          child,
          output: () => out,
          stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    exited.then(() => reject(new Error(`sgi-mock exited before listening:\n${out}`)));
  });
}

/** Waits `ms` (a random pause for interleavings; never a measured time). */
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` up to `tries` times, `everyMs` apart, until it returns a value other than undefined. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  tries = 400,
  everyMs = 25,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await pause(everyMs);
  }
  throw new Error(`gave up waiting: ${what}`);
}
