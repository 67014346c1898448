import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { isLoopbackHost, NetworkGuardError, takeBlockedConnections } from '@sgi/testing';
import { afterEach, describe, expect, it } from 'vitest';

// 192.0.2.0/24 (TEST-NET-1) and *.invalid are reserved for documentation: even if the guard failed,
// nothing would answer there. The guard refuses them before a socket is opened or a query is sent.
const OUTSIDE = '192.0.2.1';

/** Each test here provokes refusals on purpose: take them, so that the guard's own check stays quiet. */
let taken: ReturnType<typeof takeBlockedConnections> = [];
afterEach(() => {
  taken = [];
});
function refused() {
  taken.push(...takeBlockedConnections());
  return taken;
}

function errorOf(socket: net.Socket): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    socket.once('error', resolve);
    socket.once('connect', () => reject(new Error('connected')));
  });
}

describe('outbound attempts are refused and recorded', () => {
  it('refuses a TCP connection beyond loopback', async () => {
    const error = await errorOf(net.connect(9, OUTSIDE));
    expect(error).toBeInstanceOf(NetworkGuardError);
    expect(error.code).toBe('ERR_NETWORK_GUARD');
    expect(refused()).toEqual([{ kind: 'connect', target: OUTSIDE, port: 9, pid: process.pid }]);
  });

  it('refuses a TLS connection, by name, without looking the name up', async () => {
    const error = await errorOf(tls.connect({ host: 'api.example.invalid', port: 443 }));
    expect(error.code).toBe('ERR_NETWORK_GUARD');
    expect(refused()).toEqual([
      { kind: 'connect', target: 'api.example.invalid', port: 443, pid: process.pid },
    ]);
  });

  it('refuses fetch and http requests', async () => {
    const failure = await fetch(`http://${OUTSIDE}:8080/`).catch((e: Error) => e);
    expect((failure as Error & { cause?: { code?: string } }).cause?.code).toBe('ERR_NETWORK_GUARD');
    const httpError = await new Promise<NodeJS.ErrnoException>((resolve) => {
      http.get(`http://${OUTSIDE}:8081/`).once('error', resolve);
    });
    expect(httpError.code).toBe('ERR_NETWORK_GUARD');
    expect(refused().map((a) => `${a.target}:${a.port}`)).toEqual([`${OUTSIDE}:8080`, `${OUTSIDE}:8081`]);
  });

  it('refuses DNS queries for names beyond loopback', async () => {
    const lookupError = await new Promise<Error | null>((resolve) =>
      dns.lookup('example.invalid', (e) => resolve(e)),
    );
    expect(lookupError).toBeInstanceOf(NetworkGuardError);
    await expect(dns.promises.resolve4('example.invalid')).rejects.toBeInstanceOf(NetworkGuardError);
    await expect(new dns.promises.Resolver().resolveTxt('example.invalid')).rejects.toBeInstanceOf(
      NetworkGuardError,
    );
    expect(refused().map((a) => a.kind)).toEqual(['dns', 'dns', 'dns']);
  });

  it('refuses UDP datagrams beyond loopback', () => {
    const socket = dgram.createSocket('udp4');
    try {
      expect(() => socket.send('x', 53, OUTSIDE)).toThrow(NetworkGuardError);
    } finally {
      socket.close();
    }
    expect(refused()).toEqual([{ kind: 'udp', target: OUTSIDE, port: 53, pid: process.pid }]);
  });

  it('refuses attempts made by a Node.js program that a test starts', () => {
    const script = `require('node:net').connect(9, '${OUTSIDE}').on('error', (e) => console.log(e.code));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe('ERR_NETWORK_GUARD');
    expect(refused()).toEqual([{ kind: 'connect', target: OUTSIDE, port: 9, pid: child.pid }]);
  });
});

describe('loopback stays open', () => {
  it('lets connections to 127.0.0.1 and localhost through', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      const socket = net.connect(port, 'localhost');
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(refused()).toEqual([]);
  });

  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['192.168.1.1', false],
    ['192.0.2.1', false],
    ['::ffff:10.0.0.1', false],
    ['prod-api.scalegen.ai', false],
    ['localhost.example.com', false],
  ])('isLoopbackHost(%s) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('the vitest setup files', () => {
  const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
  const env = { ...process.env, SGI_NETWORK_GUARD_LOG: '', NODE_OPTIONS: '', CI: 'true', NO_COLOR: '1' };
  /** Runs vitest on a fixture project; a whole vitest start-up, so it gets a generous time limit. */
  function runFixture(name: string): Promise<{ status: number | null; output: string }> {
    const root = new URL(`./fixtures/${name}/`, import.meta.url).pathname;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [vitest, 'run', '--root', root], { env });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (status) => resolve({ status, output }));
    });
  }

  it('fail the test whose code swallowed a refused connection', { timeout: 60_000 }, async () => {
    const { status, output } = await runFixture('swallowed');
    expect(status, output).toBe(1);
    expect(output).toContain(
      'Network guard: the test "swallows a refused connection" tried to reach beyond loopback',
    );
    expect(output).toContain(`connect ${OUTSIDE}:9`);
    expect(output).toMatch(/Tests\s+1 failed \| 1 passed/);
  });

  it('fail the run when a program started by a global setup tried to reach out', {
    timeout: 60_000,
  }, async () => {
    const { status, output } = await runFixture('global-setup');
    expect(status, output).toBe(1);
    expect(output).toContain(
      'Network guard: the test run (global setup or a program it started) tried to reach',
    );
    expect(output).toContain('dns telemetry.example.invalid');
    expect(output).toMatch(/Tests\s+1 passed/);
  });
});
