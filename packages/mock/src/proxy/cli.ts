import { createWriteStream } from 'node:fs';
import type { ProxyCliOptions } from '../args.js';
import { startValidatingProxy } from './server.js';

/** `sgi-mock --mode proxy`: runs the validating proxy until SIGINT or SIGTERM, then prints its summary. */
export async function runProxyCli(options: ProxyCliOptions): Promise<void> {
  const file = options.report ? createWriteStream(options.report, { flags: 'a' }) : undefined;
  const write = (line: string) => (file ? file.write(line) : process.stderr.write(line));
  try {
    const proxy = await startValidatingProxy({
      upstream: options.upstream,
      port: options.port,
      host: options.host,
      strict: options.strict,
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      onViolation: (v) => write(`${JSON.stringify(v)}\n`),
    });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`sgi-mock: ${signal}, stopping\n`);
      proxy.close().then(
        (summary) => {
          process.stderr.write(summary.format());
          if (file) file.end(() => process.exit(0));
          else process.exit(0);
        },
        () => process.exit(1),
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.stdout.write(
      `sgi-mock: proxy mode listening on ${proxy.url}, forwarding to ${new URL(options.upstream).origin}${options.strict ? ' (strict)' : ''}\n`,
    );
  } catch (error) {
    process.stderr.write(`sgi-mock: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
