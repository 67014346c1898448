import { parseArgs } from 'node:util';
import { proxyList } from './connections.js';
import { DEFAULT_LIMITS } from './limits.js';
import { storeUrlProblem } from './sandbox/store/url.js';
import type { MockServerOptions } from './server.js';

/** The `sgi-mock --help` text. */
export const HELP = `Usage: sgi-mock [options]
       sgi-mock keys <create <name> | list | revoke <name>> [--url <url>] [--admin-token <token>]

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
  --production-quirks         answer as production does today for each of its known drifts (bare
                              get and list bodies, 204 for a missing deployment or an empty list)
  --chaos <share>             answer this share (0 to 1) of calls with 429 or 503 and Retry-After (default: 0)
  --max-body-bytes <n>        largest request body accepted (default: 1048576)
  --cors-origin <origin>      only this origin may call from a browser; repeat it or give a comma list;
                              '*' for any origin (default: loopback origins only, such as
                              http://localhost:3000 and the local docs)
  --headers-timeout-ms <n>    time a client has to send a request's headers (default: 10000)
  --request-timeout-ms <n>    time a client has to send a whole request (default: 30000)
  --max-connections <n>       open connections at once (default: 1024)
  --max-concurrent-per-client <n>
                              requests in flight at once from one client; more get 429 (default: 64)
  --max-connections-per-client <n>
                              open connections from one address, a trusted proxy's apart (default: 64)
  --trust-proxy <address|cidr>
                              a proxy that may name the client with X-Forwarded-For (the TLS proxy in
                              front); repeat it or give a comma list (default: none)
  --drain-timeout-ms <n>      on SIGTERM/SIGINT, time the requests in flight have to finish (default: 10000)
  --no-follow-parent          keep running when the process that started it exits (default: stop with it)

Hosting (see "Hosting the sandbox" in the README):
  --auth <open|keys>          open: any bearer token is a tenant (local use); keys: only sandbox keys
                              issued with 'sgi-mock keys create' (default: open)
  --admin-token <token>       enables the admin API for sandbox keys (or SGI_MOCK_ADMIN_TOKEN)
  --rate-limit <n>            requests per second per tenant, then 429 (default: 0, no limit)
  --max-concurrent <n>        requests in flight per tenant, then 429 (default: 0, no limit)
  --max-answer-bytes-per-second <n>
                              bytes of answers per second per tenant on each replica, then 429
                              (default: 0, no limit; 4194304 suits a hosted sandbox)
  --max-tenants <n>           tenants held; a new one beyond is refused with 403 (default: ${DEFAULT_LIMITS.maxTenants})
  --tenant-ttl-ms <n>         a tenant idle this long is forgotten (default: ${DEFAULT_LIMITS.tenantTtlMs}, 24 h)
  --max-deployments-per-tenant <n>  (default: ${DEFAULT_LIMITS.maxDeploymentsPerTenant})
  --max-tenant-bytes <n>      bytes of settings one tenant may store (default: ${DEFAULT_LIMITS.maxTenantBytes})
  --max-deployments <n>       deployments held in all (default: ${DEFAULT_LIMITS.maxDeployments})
  --max-total-bytes <n>       bytes of settings held in all (default: ${DEFAULT_LIMITS.maxTotalBytes})
  --log                       one JSON line per request on stdout
  --metrics-port <n>          Prometheus metrics at GET /metrics on this port (default: off)
  --metrics-host <address>    interface of the metrics port (default: 127.0.0.1)
  --store <memory|redis://host:port/db>
                              where the sandbox's state lives: in this process (memory), or in Redis,
                              shared by every replica given the same URL and kept across restarts
                              (default: $SGI_MOCK_STORE, else memory; see "Running several replicas")
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
    if (origin === '*') continue;
    let ok = false;
    try {
      const url = new URL(origin);
      ok =
        (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.replace(/\/+$/, '');
    } catch {}
    if (!ok)
      throw new Error(
        `--cors-origin must be an origin such as https://app.example.com, or '*' (got '${origin}').`,
      );
  }
  return origins;
}

/** Reads `--trust-proxy` values (repeated, or comma lists): each an address or a CIDR range. */
function trustProxyFlag(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const entries = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  proxyList(entries); // throws naming a bad entry
  return entries;
}

/** The environment variable that names the sandbox's store when `--store` is not given. */
export const STORE_ENV = 'SGI_MOCK_STORE';

/** Reads `--store` (or the environment's `SGI_MOCK_STORE`): `memory` or a Redis URL, never quoting a password. */
function storeFlag(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const value = flag ?? (env[STORE_ENV] || undefined);
  if (value === undefined || value === 'memory') return value;
  const problem = storeUrlProblem(value);
  if (problem) {
    const from = flag === undefined ? STORE_ENV : '--store';
    throw new Error(
      `${from} must be 'memory' or a Redis URL such as redis://127.0.0.1:6379/0: it ${problem}.`,
    );
  }
  return value;
}

/** Reads a whole-number flag, or explains why it cannot. */
function integerFlag(name: string, value: string | undefined, max: number, min = 0): number | undefined {
  const n = numberFlag(name, value, max);
  if (n !== undefined && (!Number.isInteger(n) || n < min)) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (got '${value}').`);
  }
  return n;
}

/** Keeps only the options that were given, so that the server's defaults apply to the rest. */
function given<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Turns command-line arguments into server options; throws with a clear message on bad input.
 * `env` supplies `SGI_MOCK_ADMIN_TOKEN`, so that the admin token need not appear in a process list,
 * and `SGI_MOCK_STORE`, the store when `--store` is not given.
 */
export function optionsFromArgs(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): CliOptions | ProxyCliOptions | 'help' {
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
      'production-quirks': { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      upstream: { type: 'string' },
      strict: { type: 'boolean' },
      report: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'headers-timeout-ms': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'max-connections': { type: 'string' },
      'max-concurrent-per-client': { type: 'string' },
      'max-connections-per-client': { type: 'string' },
      'trust-proxy': { type: 'string', multiple: true },
      'drain-timeout-ms': { type: 'string' },
      'follow-parent': { type: 'boolean', default: true },
      store: { type: 'string' },
      auth: { type: 'string' },
      'admin-token': { type: 'string' },
      'rate-limit': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'max-answer-bytes-per-second': { type: 'string' },
      'max-tenants': { type: 'string' },
      'tenant-ttl-ms': { type: 'string' },
      'max-deployments-per-tenant': { type: 'string' },
      'max-tenant-bytes': { type: 'string' },
      'max-deployments': { type: 'string' },
      'max-total-bytes': { type: 'string' },
      log: { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const mode = values.mode ?? 'sandbox';
  if (mode !== 'static' && mode !== 'sandbox' && mode !== 'proxy') {
    throw new Error(`--mode must be 'static', 'sandbox' or 'proxy' (got '${mode}').`);
  }
  const port = integerFlag('port', values.port, 65535) ?? 4010;
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
  const auth = values.auth ?? 'open';
  if (auth !== 'open' && auth !== 'keys') throw new Error(`--auth must be 'open' or 'keys' (got '${auth}').`);
  if (auth === 'keys' && mode !== 'sandbox') throw new Error('--auth keys needs --mode sandbox.');
  const adminToken = values['admin-token'] ?? env.SGI_MOCK_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new Error(
      'The admin token (--admin-token or SGI_MOCK_ADMIN_TOKEN) must have at least 16 characters.',
    );
  }
  const big = 1_000_000_000;
  return given({
    mode,
    port,
    host: values.host ?? '127.0.0.1',
    provisionDelayMs: numberFlag('provision-delay-ms', values['provision-delay-ms'], 3_600_000),
    deleteDelayMs: numberFlag('delete-delay-ms', values['delete-delay-ms'], 3_600_000),
    chaos: numberFlag('chaos', values.chaos, 1),
    productionQuirks: values['production-quirks'] === true ? true : undefined,
    maxBodyBytes: numberFlag('max-body-bytes', values['max-body-bytes'], 64 * 1024 * 1024),
    corsOrigins: corsOrigins(values['cors-origin']),
    headersTimeoutMs: integerFlag('headers-timeout-ms', values['headers-timeout-ms'], 600_000, 1),
    requestTimeoutMs: integerFlag('request-timeout-ms', values['request-timeout-ms'], 3_600_000, 1),
    maxConnections: integerFlag('max-connections', values['max-connections'], 1_000_000, 1),
    maxConcurrentPerClient: integerFlag(
      'max-concurrent-per-client',
      values['max-concurrent-per-client'],
      1_000_000,
      1,
    ),
    maxConnectionsPerClient: integerFlag(
      'max-connections-per-client',
      values['max-connections-per-client'],
      1_000_000,
      1,
    ),
    trustProxy: trustProxyFlag(values['trust-proxy']),
    drainTimeoutMs: numberFlag('drain-timeout-ms', values['drain-timeout-ms'], 600_000),
    storeUrl: storeFlag(values.store, env),
    auth,
    adminToken,
    rateLimit: integerFlag('rate-limit', values['rate-limit'], 1_000_000),
    maxConcurrent: integerFlag('max-concurrent', values['max-concurrent'], 100_000),
    maxAnswerBytesPerSecond: integerFlag(
      'max-answer-bytes-per-second',
      values['max-answer-bytes-per-second'],
      64 * big,
    ),
    maxTenants: integerFlag('max-tenants', values['max-tenants'], 10_000_000, 1),
    tenantTtlMs: integerFlag('tenant-ttl-ms', values['tenant-ttl-ms'], 365 * 86_400_000, 1),
    maxDeploymentsPerTenant: integerFlag(
      'max-deployments-per-tenant',
      values['max-deployments-per-tenant'],
      big,
      1,
    ),
    maxTenantBytes: integerFlag('max-tenant-bytes', values['max-tenant-bytes'], 64 * big, 1),
    maxDeployments: integerFlag('max-deployments', values['max-deployments'], big, 1),
    maxTotalBytes: integerFlag('max-total-bytes', values['max-total-bytes'], 64 * big, 1),
    log: values.log === true,
    metricsPort: integerFlag('metrics-port', values['metrics-port'], 65535),
    metricsHost: values['metrics-host'],
    followParent: values['follow-parent'] !== false,
  } satisfies CliOptions);
}

/** Whether an interface is reachable only from this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The start-up warning for a sandbox in open mode that listens beyond loopback, if it does. */
export function openModeWarning(options: MockServerOptions): string | undefined {
  const host = options.host ?? '127.0.0.1';
  if (options.mode === 'static' || options.auth === 'keys' || isLoopback(host)) return undefined;
  return `open mode on ${host}, beyond loopback: any bearer token is a tenant, so anyone who can reach this port and guesses a token (such as the README's) sees that tenant's deployments. To host the sandbox for partners, use --auth keys (see "Hosting the sandbox" in the README).`;
}
