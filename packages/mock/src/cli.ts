#!/usr/bin/env node
import { type CliOptions, HELP, openModeWarning, optionsFromArgs, type ProxyCliOptions } from './args.js';
import { keysCommand } from './keys-command.js';
import { runProxyCli } from './proxy/cli.js';
import { startMockServer } from './server.js';

/** How often the command checks that the process that started it is still there. */
const PARENT_CHECK_MS = 1000;

async function main(): Promise<void> {
  if (process.argv[2] === 'keys') {
    const result = await keysCommand(process.argv.slice(3));
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
  const { followParent, ...serverOptions } = options;
  const warning = openModeWarning(serverOptions);
  if (warning) process.stderr.write(`sgi-mock: WARNING: ${warning}\n`);
  try {
    const server = await startMockServer(serverOptions);
    let stopping = false;
    // `on`, not `once`: a library's exit hook re-raises the signal when it is the last listener left.
    const stop = (reason: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`sgi-mock: ${reason}, stopping\n`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    if (followParent) {
      // `npx sgi-mock & kill $!` stops npx, not this process: once the parent is gone, so is the mock.
      const parent = process.ppid;
      setInterval(() => {
        if (process.ppid !== parent) stop('parent process exited');
      }, PARENT_CHECK_MS).unref();
    }
    process.stdout.write(`sgi-mock: ${server.mode} mode listening on ${server.url}\n`);
    if (server.metricsUrl) process.stdout.write(`sgi-mock: metrics at ${server.metricsUrl}\n`);
  } catch (error) {
    process.stderr.write(`sgi-mock: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

await main();
