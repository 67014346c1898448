import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** How much of a child's output is kept. */
const KEPT_OUTPUT = 200_000;

/** The built `sgi-mock` running in its own process, so that a request that could kill it cannot kill the test. */
export interface ChildMock {
  url: string;
  child: ChildProcess;
  /** What it wrote to stdout and stderr so far (the last 200,000 characters: a JSON log can be long). */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGTERM, then the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
}

/** Starts `sgi-mock` with `args` and a small heap (`heapMb`), and resolves once it prints its URL. */
export function startChildMock(
  args: string[],
  heapMb = 256,
  env: Record<string, string> = {},
): Promise<ChildMock> {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, cli, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // No grace period on SIGTERM unless a test asks for one: stopping a test's server need not wait.
    env: { ...process.env, SGI_MOCK_SHUTDOWN_GRACE_MS: '0', ...env },
  });
  let out = '';
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
      const url = /listening on (http:\/\/[^\s"]+)/.exec(out)?.[1];
      if (url) {
        resolve({
          url,
          child,
          output: () => out,
          alive: () => !exited,
          stop: () => {
            if (!exited) child.kill('SIGTERM');
            return exit;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      out = (out + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
    });
    exit.then((code) => reject(new Error(`sgi-mock exited (${code}) before listening: ${out}`)));
  });
}
