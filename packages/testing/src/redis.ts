import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './ports.js';

/** Thrown when no `redis-server` can be found: the message says how to install it. */
export class RedisServerMissingError extends Error {
  constructor(looked: string) {
    super(
      `redis-server was not found (${looked}). The tests start their own Redis: run 'bash scripts/bootstrap' ` +
        "(it installs Debian's redis-server), or set REDIS_SERVER_PATH to a redis-server binary.",
    );
    this.name = 'RedisServerMissingError';
  }
}

/**
 * The `redis-server` binary the tests and benchmarks start: `REDIS_SERVER_PATH` when set, else the first
 * `redis-server` on `PATH` (Debian's is `/usr/bin/redis-server`). Throws {@link RedisServerMissingError}
 * when there is none.
 */
export function redisServerPath(): string {
  const explicit = process.env.REDIS_SERVER_PATH;
  const candidates = explicit
    ? [explicit]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'].map(
        (dir) => join(dir, 'redis-server'),
      );
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new RedisServerMissingError(explicit ? `REDIS_SERVER_PATH=${explicit}` : 'not on PATH');
}

/** How to start a test Redis. */
export interface StartRedisOptions {
  /**
   * `fsync` policy of the append-only file: `always` (the default here: a write is on disk before Redis
   * acknowledges it, so even a SIGKILL loses nothing acknowledged) or `everysec` (Redis's default).
   */
  appendfsync?: 'always' | 'everysec';
  /** More `redis-server` arguments, e.g. `['--maxmemory-policy', 'noeviction']`. */
  args?: string[];
  /** How long to wait for Redis to answer `PING` (default 20 s). */
  readyTimeoutMs?: number;
}

/** A `redis-server` of a test's own, on a free loopback port, with its data in a temporary folder. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>/0`. */
  url: string;
  host: '127.0.0.1';
  port: number;
  /** The temporary folder holding its append-only file. */
  dir: string;
  /** The running process's id (changes on restart). */
  pid(): number | undefined;
  /** Stops Redis: `SIGTERM` (Redis writes its files and exits) or `SIGKILL` (a crash). Resolves once it exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and folder (after `stop`), and waits until it answers. */
  start(): Promise<void>;
  /** `stop(signal)` then `start()`. */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** Sends `PING` over plain RESP; resolves true on `+PONG`, false on anything else (loading, refused). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHook = false;
/** Kills every Redis this process started if it exits without closing them. */
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/**
 * Starts a `redis-server` of the caller's own on a free port of 127.0.0.1 with a temporary folder,
 * append-only file on and snapshots off, and resolves once it answers `PING`. Fails (never skips) with a
 * message saying to run `scripts/bootstrap` when `redis-server` is missing.
 *
 * @example
 * const redis = await startRedis();
 * // ... connect to redis.url ...
 * await redis.restart();   // same port, same data
 * await redis.close();
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const binary = redisServerPath();
  const dir = mkdtempSync(join(tmpdir(), 'sgi-redis-'));
  let port = await freePort();
  const argsFor = (port: number) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    options.appendfsync ?? 'always',
    '--save',
    '',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...(options.args ?? []),
  ];
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  let child: ChildProcess | undefined;
  let output = '';

  async function start(): Promise<void> {
    if (child) throw new Error('This test Redis is already running.');
    output = '';
    const proc = spawn(binary, argsFor(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    killOnExit(proc);
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    let exited: string | undefined;
    proc.once('exit', (code, signal) => {
      exited = `exited (${signal ?? `code ${code}`})`;
      if (child === proc) child = undefined;
    });
    proc.once('error', (error) => {
      exited = error.message;
    });
    const deadline = Date.now() + readyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (exited) throw new Error(`redis-server ${exited} before it answered:\n${output}`);
      if (await ping(port)) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(
          `redis-server did not answer PING on port ${port} within ${readyTimeoutMs} ms:\n${output}`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(10 * 2 ** attempt, 100)));
    }
  }

  function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
      child = undefined;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }

  // Another program may take the free port before Redis does: try a few.
  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/i.test(output)) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      port = await freePort();
    }
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    host: '127.0.0.1',
    port,
    dir,
    pid: () => child?.pid,
    stop,
    start,
    async restart(signal) {
      await stop(signal);
      await start();
    },
    async close() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
