import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The modules are patched through their CommonJS objects: `import * as net` would give a frozen namespace,
// and every other importer (node:http, node:tls, fetch's undici) sees the same objects as `require`.
const require = createRequire(import.meta.url);
const net: typeof import('node:net') = require('node:net');
const dns: typeof import('node:dns') = require('node:dns');
const dgram: typeof import('node:dgram') = require('node:dgram');

/** One outbound attempt that the guard refused, before anything was sent. */
export interface BlockedConnection {
  /** What tried: `connect` (TCP/TLS/HTTP/fetch), `dns` (a name lookup) or `udp`. */
  kind: 'connect' | 'dns' | 'udp';
  /** The host name or address that was asked for. */
  target: string;
  /** The port, for connections. */
  port?: number;
  /** The process that tried (a test worker or a program it started). */
  pid: number;
}

/** The error a refused attempt fails with. */
export class NetworkGuardError extends Error {
  readonly code = 'ERR_NETWORK_GUARD';
  readonly errno = -111;
  readonly syscall: string;
  constructor(attempt: BlockedConnection) {
    const where = attempt.port === undefined ? attempt.target : `${attempt.target}:${attempt.port}`;
    super(`Network guard: tests may only reach the loopback interface; refused ${attempt.kind} to ${where}`);
    this.name = 'NetworkGuardError';
    this.syscall = attempt.kind === 'dns' ? 'getaddrinfo' : 'connect';
  }

  /** True for a guard error from any copy of this module (a test runner may load it more than once). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && (value as { code?: unknown }).code === 'ERR_NETWORK_GUARD';
  }
}

const LOG_ENV = 'SGI_NETWORK_GUARD_LOG';
const state = Symbol.for('sgi.networkGuard');
type GuardState = { blocked: BlockedConnection[] };
const globals = globalThis as typeof globalThis & { [state]?: GuardState };

/**
 * Tells whether a host name or address stays on this machine: `localhost` (and `*.localhost`),
 * 127.0.0.0/8, `::1` and their IPv4-mapped forms. Everything else, private ranges included, is outbound.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^(0:){7}1$/.test(h) || /^::ffff:127\./.test(h);
  return false;
}

function record(attempt: BlockedConnection): NetworkGuardError {
  globals[state]?.blocked.push(attempt);
  const log = process.env[LOG_ENV];
  if (log) {
    try {
      appendFileSync(log, `${JSON.stringify(attempt)}\n`);
    } catch {
      // The log is only for reporting; the attempt is refused either way.
    }
  }
  return new NetworkGuardError(attempt);
}

/** Where a `socket.connect(...)` call goes, from any of its argument shapes. */
function connectTarget(args: unknown[]): { host?: string; port?: number; path?: string } {
  let first = args[0];
  // net.connect() hands the socket its already normalised arguments as an array.
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    // http.request passes its whole options object, with `path: null` for TCP: only a string is a socket path.
    if (typeof o.path === 'string' && o.path !== '') return { path: o.path };
    const host = typeof o.host === 'string' && o.host !== '' ? o.host : 'localhost';
    return { host, port: o.port === undefined ? undefined : Number(o.port) };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  const host = typeof args[1] === 'string' ? args[1] : 'localhost';
  return { host, port: Number(first) };
}

function patchConnect(): void {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(
    this: import('node:net').Socket,
    ...args: unknown[]
  ) {
    const target = connectTarget(args);
    if (target.path !== undefined || target.host === undefined || isLoopbackHost(target.host)) {
      return (original as (...a: unknown[]) => import('node:net').Socket).apply(this, args);
    }
    const error = record({ kind: 'connect', target: target.host, port: target.port, pid: process.pid });
    process.nextTick(() => this.destroy(error));
    return this;
  } as typeof original;
}

type Callback = (error: Error | null, ...results: unknown[]) => void;

function lastFunction(args: unknown[]): Callback | undefined {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return args[i] as Callback;
  return undefined;
}

function patchDns(): void {
  const names = Object.keys(dns).filter((k) => /^(lookup|resolve)/.test(k) && k !== 'lookupService');
  for (const name of names) {
    const original = (dns as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    if (typeof original !== 'function') continue;
    (dns as unknown as Record<string, unknown>)[name] = function guardedDns(
      host: unknown,
      ...rest: unknown[]
    ) {
      if (typeof host !== 'string' || isLoopbackHost(host)) return original.call(this, host, ...rest);
      const error = record({ kind: 'dns', target: host, pid: process.pid });
      const callback = lastFunction(rest);
      if (callback) process.nextTick(() => callback(error));
      else throw error;
      return undefined;
    };
  }
  const promises = dns.promises as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of Object.keys(promises).filter(
    (k) => /^(lookup|resolve)/.test(k) && k !== 'lookupService',
  )) {
    const original = promises[name];
    if (typeof original !== 'function') continue;
    promises[name] = function guardedDnsPromise(host: unknown, ...rest: unknown[]) {
      if (typeof host !== 'string' || isLoopbackHost(host)) return original.call(this, host, ...rest);
      return Promise.reject(record({ kind: 'dns', target: host, pid: process.pid }));
    };
  }
  for (const Resolver of [dns.Resolver, dns.promises.Resolver]) {
    const proto = Resolver.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of Object.getOwnPropertyNames(proto).filter((k) => k.startsWith('resolve'))) {
      const original = proto[name];
      if (typeof original !== 'function') continue;
      proto[name] = function guardedResolver(host: unknown, ...rest: unknown[]) {
        if (typeof host !== 'string' || isLoopbackHost(host)) return original.call(this, host, ...rest);
        const error = record({ kind: 'dns', target: host, pid: process.pid });
        const callback = lastFunction(rest);
        if (callback) process.nextTick(() => callback(error));
        else return Promise.reject(error);
        return undefined;
      };
    }
  }
}

function patchUdp(): void {
  const proto = dgram.Socket.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const send = proto.send as (...a: unknown[]) => unknown;
  proto.send = function guardedSend(this: import('node:dgram').Socket, ...args: unknown[]) {
    // send(msg, [offset, length,] port, address, cb): the address is the first string after the message.
    const address = args.slice(1).find((a) => typeof a === 'string') as string | undefined;
    if (address === undefined || isLoopbackHost(address)) return send.apply(this, args);
    const port = args.slice(1).find((a) => typeof a === 'number') as number | undefined;
    throw record({ kind: 'udp', target: address, port, pid: process.pid });
  };
  const connect = proto.connect as (...a: unknown[]) => unknown;
  proto.connect = function guardedUdpConnect(
    this: import('node:dgram').Socket,
    port: unknown,
    ...rest: unknown[]
  ) {
    const address = typeof rest[0] === 'string' ? rest[0] : 'localhost';
    if (isLoopbackHost(address)) return connect.call(this, port, ...rest);
    throw record({ kind: 'udp', target: address, port: Number(port), pid: process.pid });
  };
}

/**
 * Installs the guard in this process (once; later calls do nothing): every TCP/TLS connection (and so
 * every `http`, `https` and `fetch` request), DNS query and UDP datagram to a host beyond the loopback
 * interface is refused before anything is sent, fails like a refused connection, and is recorded.
 * Connections to loopback and to local (Unix socket) paths go through untouched.
 */
export function installNetworkGuard(): void {
  if (globals[state]) return;
  globals[state] = { blocked: [] };
  patchConnect();
  patchDns();
  patchUdp();
}

/**
 * Returns the attempts refused since the last call, and forgets them: those of this process and those
 * that guarded child processes reported to the file named by `SGI_NETWORK_GUARD_LOG`.
 */
export function takeBlockedConnections(): BlockedConnection[] {
  const own = globals[state]?.blocked.splice(0) ?? [];
  const log = process.env[LOG_ENV];
  if (!log || !existsSync(log)) return own;
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  writeFileSync(log, '');
  const children = lines
    .map((line) => JSON.parse(line) as BlockedConnection)
    .filter((a) => a.pid !== process.pid);
  return [...own, ...children];
}

/** The environment variable that names the file where guarded child processes report refused attempts. */
export const networkGuardLogEnv = LOG_ENV;

/**
 * Makes every Node.js program that this process starts from now on load the guard too (through
 * `NODE_OPTIONS=--import`), reporting its refused attempts to a file of this process's own, which
 * `takeBlockedConnections()` reads.
 */
export function guardChildProcesses(): void {
  process.env[LOG_ENV] = join(tmpdir(), `sgi-network-guard-${process.pid}-${randomUUID()}.log`);
  const preload = new URL('./preload.js', import.meta.url).href;
  if (!process.env.NODE_OPTIONS?.includes(preload)) {
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim();
  }
}

/** Throws an error that lists the refused attempts, if there were any. */
export function assertNoBlockedConnections(when: string): void {
  const attempts = takeBlockedConnections();
  if (attempts.length === 0) return;
  const list = attempts.map(
    (a) => `  ${a.kind} ${a.target}${a.port === undefined ? '' : `:${a.port}`} (pid ${a.pid})`,
  );
  throw new Error(
    `Network guard: ${when} tried to reach beyond loopback (refused before anything was sent):\n${list.join('\n')}`,
  );
}
