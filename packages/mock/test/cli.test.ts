import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { optionsFromArgs } from '../src/args.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the built CLI until it prints a line matching `until` (then sends SIGTERM) or exits. */
function run(args: string[], until?: RegExp) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (until?.test(out)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('sgi-mock command line', () => {
  it('reads its flags', () => {
    expect(optionsFromArgs(['--mode', 'static', '--port', '0', '--chaos', '0.25'])).toMatchObject({
      mode: 'static',
      port: 0,
      host: '127.0.0.1',
      chaos: 0.25,
    });
    expect(optionsFromArgs([])).toMatchObject({ mode: 'sandbox', port: 4010 });
    expect(optionsFromArgs(['--help'])).toBe('help');
  });

  it.each([
    [['--mode', 'live'], "--mode must be 'static', 'sandbox' or 'proxy' (got 'live')."],
    [['--mode', 'proxy'], '--mode proxy needs --upstream <url>'],
    [['--strict'], '--strict only applies to --mode proxy.'],
    [['--port', '70000'], '--port must be a number from 0 to 65535'],
    [['--chaos', '2'], '--chaos must be a number from 0 to 1'],
    [['--provision-delay-ms', 'soon'], '--provision-delay-ms must be a number'],
  ])('rejects %j with a clear message', (args, message) => {
    expect(() => optionsFromArgs(args)).toThrow(message);
  });

  it('rejects an unknown flag', () => {
    expect(() => optionsFromArgs(['--prot', '1'])).toThrow(/--prot/);
  });

  it('prints its URL, serves, and stops cleanly on SIGTERM', async () => {
    const { code, out } = await run(
      ['--mode', 'static', '--port', '0'],
      /listening on http:\/\/127\.0\.0\.1:\d+\n/,
    );
    expect(out).toMatch(/^sgi-mock: static mode listening on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(out).toContain('SIGTERM, stopping');
    expect(code).toBe(0);
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, err } = await run(['--mode', 'static', '--port', String(port)]);
      expect(code).toBe(1);
      expect(err).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 with the help on a bad flag', async () => {
    const { code, err } = await run(['--mode', 'live']);
    expect(code).toBe(2);
    expect(err).toContain('Usage: sgi-mock');
  });
});
