import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { specYamlPath } from '../../index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

/** Asks the OS for a free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 120_000; // bounds a hang on a loaded machine; Prism is usually up in ~1 s
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Prism exited with ${child.exitCode}:\n${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Prism did not answer at ${url} within 120 s:\n${log()}`);
}

let prism: ChildProcess | undefined;

/** Starts Prism on the bundled spec on a free loopback port, for the whole test run. */
export async function setup(project: TestProject): Promise<void> {
  const port = await freePort();
  const cli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
  let output = '';
  prism = spawn(process.execPath, [cli, 'mock', specYamlPath, '-h', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, SCARF_ANALYTICS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  prism.stdout?.on('data', keep);
  prism.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, prism, () => output);
  project.provide('prismUrl', url);
}

export async function teardown(): Promise<void> {
  if (!prism || prism.exitCode !== null) return;
  const exited = new Promise((r) => prism?.once('exit', r));
  prism.kill('SIGTERM');
  await exited;
}
