#!/usr/bin/env node
import { HELP, optionsFromArgs, type ProxyCliOptions } from './args.js';
import { runProxyCli } from './proxy/cli.js';
import { type MockServerOptions, startMockServer } from './server.js';

async function main(): Promise<void> {
  let options: MockServerOptions | ProxyCliOptions | 'help';
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
  try {
    const server = await startMockServer(options);
    let stopping = false;
    // `on`, not `once`: a library's exit hook re-raises the signal when it is the last listener left.
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`sgi-mock: ${signal}, stopping\n`);
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.stdout.write(`sgi-mock: ${server.mode} mode listening on ${server.url}\n`);
  } catch (error) {
    process.stderr.write(`sgi-mock: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

await main();
