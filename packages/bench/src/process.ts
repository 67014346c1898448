/** Child processes for servers under test: start, wait until they answer, stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A started child process and what it printed so far (for error messages). */
export interface Child {
  proc: ChildProcess;
  output: () => string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
  stop: () => Promise<void>;
}

/** Starts `command args` with its output captured. */
export function start(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Child {
  const proc = spawn(command, args, {
    // SGI_MOCK_SHUTDOWN_GRACE_MS: a benchmark's server stops at once on SIGTERM (no load balancer to wait for).
    env: { ...process.env, SCARF_ANALYTICS: 'false', SGI_MOCK_SHUTDOWN_GRACE_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { proc, output: () => output, stop };
}

/**
 * What `sgi-mock` prints once it listens, with its origin as the first group: in a plain line or in a
 * JSON log line (`"msg":"listening on http://127.0.0.1:4010"}`), where the quote ends the origin.
 */
export const LISTENING_ON = /listening on (http:\/\/[^\s"']+)/;

/** Waits until the child prints a line matching `pattern`, and returns the match. */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = child.output().match(pattern);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`process exited before printing ${pattern}:\n${child.output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${child.output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.proc.stdout?.off('data', check);
      child.proc.stderr?.off('data', check);
      child.proc.off('exit', onExit);
    };
    child.proc.stdout?.on('data', check);
    child.proc.stderr?.on('data', check);
    child.proc.once('exit', onExit);
    check();
  });
}

/**
 * Polls `url` until it answers any HTTP status, every `intervalMs`; returns the milliseconds since
 * `since` (a `performance.now()` value) at the first answer.
 */
export async function waitForAnswer(
  url: string,
  child: Child,
  since: number,
  init: RequestInit = {},
  intervalMs = 5,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    if (child.proc.exitCode !== null)
      throw new Error(`server exited with ${child.proc.exitCode}:\n${child.output()}`);
    try {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      return performance.now() - since;
    } catch {
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.output()}`);
}

/** Asks the OS for a free loopback port (for tools that want one on their command line). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
