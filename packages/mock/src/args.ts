import { parseArgs } from 'node:util';
import type { MockServerOptions } from './server.js';

/** The `sgi-mock --help` text. */
export const HELP = `Usage: sgi-mock [options]

Mock server of the ScaleGenAI Inference API.

Options:
  --mode <static|sandbox|proxy>
                              static: Prism serving the spec's examples; sandbox: a stateful fake
                              with the spec enforced on requests and responses (default: sandbox);
                              proxy: forward to --upstream unchanged, reporting each violation
  --upstream <url>            proxy: the server to forward to
  --strict                    proxy: refuse a request that breaks the spec (422) instead of forwarding it
  --report <file>             proxy: append the violations (JSON lines) to this file, not to stderr
  --port <n>                  port to listen on, 0 for a free one (default: 4010)
  --host <address>            interface to listen on (default: 127.0.0.1)
  --provision-delay-ms <n>    sandbox: time from PROVISIONING to ACTIVE (default: 2000)
  --delete-delay-ms <n>       sandbox: time from DELETING to gone (default: 1000)
  --chaos <share>             answer this share (0 to 1) of calls with 429 or 503 and Retry-After (default: 0)
  --max-body-bytes <n>        largest request body accepted (default: 1048576)
  -h, --help                  show this help
`;

/** Reads a non-negative number flag, or explains why it cannot. */
function numberFlag(
  name: string,
  value: string | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
    throw new Error(`--${name} must be a number from 0 to ${max} (got '${value}').`);
  }
  return n;
}

/** The command line of `sgi-mock --mode proxy`. */
export interface ProxyCliOptions {
  mode: 'proxy';
  upstream: string;
  strict: boolean;
  /** File to append the JSON lines to; stderr when absent. */
  report?: string;
  port: number;
  host: string;
  maxBodyBytes?: number;
}

/** Turns command-line arguments into server options; throws with a clear message on bad input. */
export function optionsFromArgs(args: string[]): MockServerOptions | ProxyCliOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      mode: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'provision-delay-ms': { type: 'string' },
      'delete-delay-ms': { type: 'string' },
      chaos: { type: 'string' },
      'max-body-bytes': { type: 'string' },
      upstream: { type: 'string' },
      strict: { type: 'boolean' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const mode = values.mode ?? 'sandbox';
  if (mode !== 'static' && mode !== 'sandbox' && mode !== 'proxy') {
    throw new Error(`--mode must be 'static', 'sandbox' or 'proxy' (got '${mode}').`);
  }
  const port = numberFlag('port', values.port, 65535) ?? 4010;
  if (!Number.isInteger(port)) throw new Error(`--port must be an integer (got '${values.port}').`);
  if (mode === 'proxy') {
    if (!values.upstream) throw new Error('--mode proxy needs --upstream <url>, the server to forward to.');
    if (!/^https?:\/\/[^\s]+$/.test(values.upstream)) {
      throw new Error(`--upstream must be an http(s) URL (got '${values.upstream.slice(0, 200)}').`);
    }
    return {
      mode,
      upstream: values.upstream,
      strict: values.strict ?? false,
      ...(values.report ? { report: values.report } : {}),
      port,
      host: values.host ?? '127.0.0.1',
      maxBodyBytes: numberFlag('max-body-bytes', values['max-body-bytes'], 64 * 1024 * 1024),
    };
  }
  for (const flag of ['upstream', 'strict', 'report'] as const) {
    if (values[flag] !== undefined) throw new Error(`--${flag} only applies to --mode proxy.`);
  }
  return {
    mode,
    port,
    host: values.host ?? '127.0.0.1',
    provisionDelayMs: numberFlag('provision-delay-ms', values['provision-delay-ms'], 3_600_000),
    deleteDelayMs: numberFlag('delete-delay-ms', values['delete-delay-ms'], 3_600_000),
    chaos: numberFlag('chaos', values.chaos, 1),
    maxBodyBytes: numberFlag('max-body-bytes', values['max-body-bytes'], 64 * 1024 * 1024),
  };
}
