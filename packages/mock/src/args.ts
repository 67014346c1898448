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
  --cors-origin <origin>      only this origin may call from a browser; repeat it or give a comma list
                              (default: any origin, answered 'Access-Control-Allow-Origin: *')
  --headers-timeout-ms <n>    time a client has to send a request's headers (default: 10000)
  --request-timeout-ms <n>    time a client has to send a whole request (default: 30000)
  --max-connections <n>       open connections at once (default: 1024)
  --max-concurrent-per-client <n>
                              requests in flight at once from one client address; more get 429 (default: 64)
  --drain-timeout-ms <n>      on SIGTERM/SIGINT, time the requests in flight have to finish (default: 10000)
  --no-follow-parent          keep running when the process that started it exits (default: stop with it)
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

/** What the command line asks for: the server's options, and whether to stop when the parent process exits. */
export type CliOptions = MockServerOptions & { followParent: boolean };

/** Reads `--cors-origin` values (repeated, or comma lists): each an `http(s)://host[:port]` origin. */
function corsOrigins(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const origins = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let ok = false;
    try {
      const url = new URL(origin);
      ok =
        (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.replace(/\/+$/, '');
    } catch {}
    if (!ok)
      throw new Error(`--cors-origin must be an origin such as https://app.example.com (got '${origin}').`);
  }
  return origins;
}

/** Reads a positive integer flag (a count or a time), or explains why it cannot. */
function countFlag(name: string, value: string | undefined, max: number): number | undefined {
  const n = numberFlag(name, value, max);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
    throw new Error(`--${name} must be a whole number from 1 to ${max} (got '${value}').`);
  }
  return n;
}

/** Turns command-line arguments into server options; throws with a clear message on bad input. */
export function optionsFromArgs(args: string[]): CliOptions | ProxyCliOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    allowNegative: true,
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
      'cors-origin': { type: 'string', multiple: true },
      'headers-timeout-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'max-connections': { type: 'string' },
      'max-concurrent-per-client': { type: 'string' },
      'drain-timeout-ms': { type: 'string' },
      'follow-parent': { type: 'boolean', default: true },
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
    corsOrigins: corsOrigins(values['cors-origin']),
    headersTimeoutMs: countFlag('headers-timeout-ms', values['headers-timeout-ms'], 600_000),
    requestTimeoutMs: countFlag('request-timeout-ms', values['request-timeout-ms'], 3_600_000),
    maxConnections: countFlag('max-connections', values['max-connections'], 1_000_000),
    maxConcurrentPerClient: countFlag(
      'max-concurrent-per-client',
      values['max-concurrent-per-client'],
      1_000_000,
    ),
    drainTimeoutMs: numberFlag('drain-timeout-ms', values['drain-timeout-ms'], 600_000),
    followParent: values['follow-parent'] !== false,
  };
}
