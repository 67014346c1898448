import { PassThrough } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { type CliIO, ExitCode, run } from '../src/index.js';

/** Streams that collect what `run` writes; standard input is an empty pipe (not a terminal). */
function io(env: Record<string, string | undefined>) {
  const out = { stdout: '', stderr: '' };
  const stdin = new PassThrough();
  stdin.end();
  const streams: CliIO = {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    stdin,
    env,
  };
  return { streams, out };
}

describe('run(), the program as a function', () => {
  it('resolves with the exit code and writes to the streams it is given, reading only the env it is given', async () => {
    const { streams, out } = io({
      SCALEGEN_BASE_URL: inject('sandboxUrl'),
      SCALEGEN_ACCESS_TOKEN: `run-${Date.now()}`,
    });
    expect(await run(['infer', 'list', '--json'], streams)).toBe(ExitCode.ok);
    expect(JSON.parse(out.stdout)).toEqual([]);
    expect(await run(['infer', 'view', '00000000-0000-4000-8000-000000000000'], streams)).toBe(
      ExitCode.notFound,
    );
    expect(out.stderr).toContain('HTTP 404');
  });

  it('answers --help and --version with 0 and an unknown flag with 2, without exiting the process', async () => {
    const { streams, out } = io({});
    expect(await run(['--version'], streams)).toBe(0);
    expect(out.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(await run(['infer', 'wait', '--help'], streams)).toBe(0);
    expect(out.stdout).toContain('Example:');
    expect(await run(['infer', 'list', '--nope'], streams)).toBe(ExitCode.usage);
    expect(out.stderr).toContain("unknown option '--nope'");
  });
});
