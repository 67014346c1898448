#!/usr/bin/env node
import { fstatSync } from 'node:fs';
import {
  type CliOptions,
  HELP,
  noAdminTokenWarning,
  openModeWarning,
  optionsFromArgs,
  type ProxyCliOptions,
} from './args.js';
import { keysCommand } from './keys-command.js';
import { runProxyCli } from './proxy/cli.js';
import { startMockServer } from './server.js';
import { storeCommand } from './store-command.js';

/** How often the command checks that the process that started it is still there (with --exit-with-parent). */
const PARENT_CHECK_MS = 250;

/** Whether stdin is a pipe or a socket (a parent that spawned this process with one), not a file, a TTY or /dev/null. */
function stdinIsPipe(): boolean {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/**
 * Stops the server when the process that started it goes: when asked (`--exit-with-parent`), by watching
 * the parent's id; by default only when stdin is a pipe (a test runner, or any program that spawned it
 * with one), which ends when the parent goes, however it goes. A background job of a shell (`sgi-mock &`),
 * a service manager or a container gives it no pipe: it keeps running when the shell that started it exits.
 */
function followParent(exitWithParent: boolean | undefined, stop: (reason: string) => void): void {
  if (exitWithParent === false) return;
  if (exitWithParent === true) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop('parent process exited');
    }, PARENT_CHECK_MS).unref();
    return;
  }
  if (!stdinIsPipe()) return;
  process.stdin.on('data', () => {});
  process.stdin.once('end', () => stop('stdin closed: the parent process exited'));
  process.stdin.once('error', () => stop('stdin closed: the parent process exited'));
  process.stdin.unref?.();
}

async function main(): Promise<void> {
  if (process.argv[2] === 'keys' || process.argv[2] === 'store') {
    const result = await (process.argv[2] === 'keys' ? keysCommand : storeCommand)(process.argv.slice(3));
    process.stdout.write(result.out);
    process.stderr.write(result.err);
    process.exitCode = result.code;
    return;
  }
  let options: CliOptions | ProxyCliOptions | 'help';
  try {
    options = optionsFromArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`sgi-mock: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (options.mode === 'proxy') return runProxyCli(options);
  const { exitWithParent, ...serverOptions } = options;
  try {
    const server = await startMockServer(serverOptions);
    let stopping = false;
    /** Stops: after the grace period on SIGTERM, at once otherwise (and at once on a second signal). */
    const stop = (reason: string, grace = false) => {
      if (stopping) {
        void server.close({ grace: false });
        return;
      }
      stopping = true;
      server.log('info', {
        event: 'stopping',
        msg: `${reason}, stopping`,
        reason,
        grace_ms: grace ? (serverOptions.shutdownGraceMs ?? 0) : 0,
        drain_timeout_ms: serverOptions.drainTimeoutMs ?? 10_000,
      });
      server.close({ grace }).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    // `on`, not `once`: a library's exit hook re-raises the signal when it is the last listener left.
    // SIGTERM is what a service manager or an orchestrator sends: readiness turns 503 and requests are
    // served for the grace period first. SIGINT is someone at a terminal: no grace.
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM', true));
    followParent(exitWithParent, (reason) => stop(reason));
    for (const warning of [openModeWarning(serverOptions), noAdminTokenWarning(serverOptions)]) {
      if (warning) server.log('warn', { event: 'warning', msg: warning });
    }
    server.log('info', {
      event: 'listening',
      msg: `${server.mode} mode listening on ${server.url}`,
      url: server.url,
      mode: server.mode,
    });
    if (server.adminUrl)
      server.log('info', {
        event: 'admin_listening',
        msg: `admin API at ${server.adminUrl}`,
        url: server.adminUrl,
      });
    if (server.metricsUrl)
      server.log('info', {
        event: 'metrics_listening',
        msg: `metrics at ${server.metricsUrl}`,
        url: server.metricsUrl,
      });
  } catch (error) {
    process.stderr.write(`sgi-mock: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

await main();
