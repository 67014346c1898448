import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLAGS, HELP, noAdminTokenWarning, openModeWarning, optionsFromArgs } from '../src/args.js';
import { pause } from './support/replica.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the built CLI until it prints a line matching `until` (then sends SIGTERM) or exits. */
function run(args: string[], until?: RegExp, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SGI_MOCK_SHUTDOWN_GRACE_MS: '0', ...env },
    });
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

  it('reads the hosting flags, and the admin token from the environment', () => {
    const options = optionsFromArgs(
      ['--auth', 'keys', '--rate-limit', '20', '--max-concurrent', '4', '--max-tenants', '50', '--log'],
      { SGI_MOCK_ADMIN_TOKEN: 'an-admin-token-of-32-characters!' },
    );
    expect(options).toMatchObject({
      auth: 'keys',
      adminToken: 'an-admin-token-of-32-characters!',
      rateLimit: 20,
      maxConcurrent: 4,
      maxTenants: 50,
      log: true,
    });
    expect(options).not.toHaveProperty('tenantTtlMs'); // the server's default applies
    expect(() => optionsFromArgs(['--auth', 'magic'], {})).toThrow("--auth must be 'open' or 'keys'");
    expect(() => optionsFromArgs(['--auth', 'keys', '--mode', 'static'], {})).toThrow(
      '--auth keys needs --mode sandbox',
    );
    expect(() => optionsFromArgs(['--admin-token', 'short'], {})).toThrow('at least 16 characters');
    expect(() => optionsFromArgs(['--rate-limit', '2.5'], {})).toThrow('--rate-limit must be a whole number');
  });

  it('warns when the open mode listens beyond loopback', () => {
    expect(openModeWarning({ mode: 'sandbox', host: '0.0.0.0' })).toContain('--auth keys');
    expect(openModeWarning({ mode: 'sandbox', host: '127.0.0.1' })).toBeUndefined();
    expect(openModeWarning({ mode: 'sandbox', host: '::1' })).toBeUndefined();
    expect(openModeWarning({ mode: 'sandbox', host: '0.0.0.0', auth: 'keys' })).toBeUndefined();
    expect(openModeWarning({ mode: 'static', host: '0.0.0.0' })).toBeUndefined();
  });

  it('sgi-mock keys without an action prints its usage and exits 2', async () => {
    const { code, err } = await run(['keys']);
    expect(code).toBe(2);
    expect(err).toContain('Usage: sgi-mock keys create <name>');
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

  it('reads every flag from its SGI_MOCK_* variable, a flag winning over its variable; PORT is not read', () => {
    const env = {
      SGI_MOCK_PORT: '4555',
      SGI_MOCK_LOG: 'true',
      SGI_MOCK_CORS_ORIGIN: 'https://a.example,https://b.example',
      SGI_MOCK_RATE_LIMIT: '5',
      SGI_MOCK_SHUTDOWN_GRACE_MS: '2500',
      SGI_MOCK_EXIT_WITH_PARENT: 'no',
      SGI_MOCK_ADMIN_PORT: '9000',
      SGI_MOCK_HOST: '',
      PORT: '3000',
    };
    expect(optionsFromArgs([], env)).toMatchObject({
      port: 4555,
      host: '127.0.0.1', // empty counts as not set
      log: true,
      corsOrigins: ['https://a.example', 'https://b.example'],
      rateLimit: 5,
      shutdownGraceMs: 2500,
      exitWithParent: false,
      adminPort: 9000,
    });
    expect(optionsFromArgs(['--port', '4600', '--rate-limit', '0', '--exit-with-parent'], env)).toMatchObject(
      {
        port: 4600,
        rateLimit: 0,
        exitWithParent: true,
      },
    );
    expect(optionsFromArgs([], { PORT: '3000' })).toMatchObject({ port: 4010, shutdownGraceMs: 5000 });
    expect(optionsFromArgs([], {})).not.toHaveProperty('exitWithParent');
  });

  it.each([
    [{ SGI_MOCK_PORT: '70000' }, "SGI_MOCK_PORT must be a number from 0 to 65535 (got '70000')."],
    [{ SGI_MOCK_MODE: 'live' }, "SGI_MOCK_MODE must be 'static', 'sandbox' or 'proxy' (got 'live')."],
    [
      { SGI_MOCK_RATE_LIMIT: '2.5' },
      "SGI_MOCK_RATE_LIMIT must be a whole number from 0 to 1000000 (got '2.5').",
    ],
    [{ SGI_MOCK_LOG: 'maybe' }, "SGI_MOCK_LOG must be true or false (got 'maybe')."],
    [{ SGI_MOCK_CORS_ORIGIN: 'nope' }, 'SGI_MOCK_CORS_ORIGIN must be an origin'],
    [{ SGI_MOCK_UPSTREAM: 'https://api.example' }, 'SGI_MOCK_UPSTREAM only applies to --mode proxy.'],
    [{ SGI_MOCK_ADMIN_TOKEN: 'short' }, 'at least 16 characters'],
  ])('checks a variable as its flag and names it: %j', (env, message) => {
    expect(() => optionsFromArgs([], env)).toThrow(message);
  });

  it("lists every flag in its help, and every variable in the operators' table (docs/operating.md), as the flag definitions say", () => {
    for (const f of FLAGS) expect(HELP).toContain(`--${f.name}`);
    const readme = readFileSync(new URL('../docs/operating.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### Configuration from the environment'));
    const rows = [...table.matchAll(/^\| `(SGI_MOCK_[A-Z_]+)` \| `--([a-z-]+)` \|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(rows).toEqual(FLAGS.map((f) => [f.env, f.name]));
  });

  it('warns when keys mode has no admin token: no key can be issued', async () => {
    expect(noAdminTokenWarning({ auth: 'keys' })).toContain('no sandbox key can be issued');
    expect(
      noAdminTokenWarning({ auth: 'keys', adminToken: 'an-admin-token-of-32-characters!' }),
    ).toBeUndefined();
    expect(noAdminTokenWarning({ auth: 'open' })).toBeUndefined();
    const { err } = await run(['--auth', 'keys', '--port', '0'], /listening on/, {
      SGI_MOCK_ADMIN_TOKEN: '',
    });
    expect(err).toContain('WARNING: keys mode without an admin token');
  });

  it('with --log, writes only JSON lines with level names on stdout: the lifecycle too', async () => {
    const { code, out } = await run(['--mode', 'static', '--port', '0', '--log'], /listening on/);
    expect(code).toBe(0);
    const lines = out.split('\n').filter(Boolean);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((l) => l.event)).toEqual(['listening', 'stopping']);
    for (const l of parsed) expect(l.level).toBe('info');
    expect(parsed[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('following the process that started it', () => {
  /** Whether something answers the health probe. */
  const alive = (url: string) =>
    fetch(`${url}/__sandbox/health`).then(
      (r) => r.status === 200,
      () => false,
    );

  /** Runs `sgi-mock &` from a shell that then exits, as a hosting script would; its URL and pid. */
  async function fromExitedShell(extra: string): Promise<{ url: string; pid: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'sgi-mock-parent-'));
    // The shell waits until the mock listens, then exits (its job still running), as a hosting script does.
    const script = [
      `SGI_MOCK_SHUTDOWN_GRACE_MS=0 "${process.execPath}" "${cli}" --mode static --port 0 ${extra} > "${dir}/out" 2>&1 &`,
      `echo $! > "${dir}/pid"`,
      `until grep -q 'listening on' "${dir}/out" 2>/dev/null; do sleep 0.05; done`,
    ].join('\n');
    await new Promise<void>((resolve, reject) => {
      const shell = spawn('bash', ['-c', script], { stdio: 'ignore' });
      shell.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shell exited ${code}`))));
    });
    for (let i = 0; i < 400; i++) {
      const url = /listening on (http:\/\/[^\s"]+)/.exec(readFileSync(join(dir, 'out'), 'utf8'))?.[1];
      if (url) return { url, pid: Number(readFileSync(join(dir, 'pid'), 'utf8')) };
      await pause(25);
    }
    throw new Error(`no URL: ${readFileSync(join(dir, 'out'), 'utf8')}`);
  }

  it('keeps running when the shell that started it in the background exits (a hosting script)', async () => {
    const { url, pid } = await fromExitedShell('');
    try {
      // Its parent is gone at once; it answers well after the parent check would have stopped it.
      for (let i = 0; i < 8; i++) {
        expect(await alive(url)).toBe(true);
        await pause(250);
      }
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });

  it('stops with its parent when asked (--exit-with-parent)', async () => {
    const { url } = await fromExitedShell('--exit-with-parent');
    let up = true;
    for (let i = 0; i < 200 && up; i++) {
      up = await alive(url);
      if (up) await pause(50);
    }
    expect(up).toBe(false);
  });

  it('stops when its stdin is a pipe that closes (a test runner that spawned it went away)', async () => {
    const child = spawn(process.execPath, [cli, '--mode', 'static', '--port', '0'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SGI_MOCK_SHUTDOWN_GRACE_MS: '0' },
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 400 && !out.includes('listening on'); i++) await pause(25);
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(out).toContain('stdin closed: the parent process exited, stopping');
  });
});
