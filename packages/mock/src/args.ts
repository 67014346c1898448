import { type ParseArgsConfig, parseArgs } from 'node:util';
import { proxyList } from './connections.js';
import { publicUrlOf } from './endpoint/public-url.js';
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
  --public-url <url>          sandbox: the URL partners reach it at, behind a proxy: ACTIVE deployments'
                              link is <url>/deployments/<id> (default: its own http://host:port)
  --endpoint-max-stream-ms <n>
                              sandbox: longest one answer of a deployment's endpoint may take (default: 60000)
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
  --shutdown-grace-ms <n>     on SIGTERM, time it keeps serving while /__sandbox/ready answers 503, so
                              that load balancers stop sending to it first (default: 5000)
  --drain-timeout-ms <n>      then, time the requests in flight have to finish (default: 10000)
  --exit-with-parent          stop when the process that started it exits (default: only when stdin is a
                              pipe, as from a test runner; --no-exit-with-parent never)

Hosting (see "Hosting the sandbox" in the README):
  --auth <open|keys>          open: any bearer token is a tenant (local use); keys: only sandbox keys
                              issued with 'sgi-mock keys create' (default: open)
  --admin-token <token>       enables the admin API for sandbox keys (or SGI_MOCK_ADMIN_TOKEN)
  --admin-port <n>            serve the admin API on this port only, not on the partners' (default: off)
  --admin-host <address>      interface of the admin port (default: 127.0.0.1)
  --rate-limit <n>            requests per second per tenant, then 429 (default: 0, no limit)
  --max-concurrent <n>        requests in flight per tenant, then 429 (default: 0, no limit)
  --max-answer-bytes-per-second <n>
                              bytes of answers per second per tenant on each replica, then 429
                              (default: 0, no limit; 4194304 suits a hosted sandbox)
  --max-answer-bytes-per-second <n>
                              bytes of answers per second per tenant on each replica, then 429
                              (default: 0, no limit; 4194304 suits a hosted sandbox)
  --max-tenants <n>           tenants held; a new one beyond is refused with 403 (default: ${DEFAULT_LIMITS.maxTenants})
  --tenant-ttl-ms <n>         a tenant idle this long is forgotten (default: ${DEFAULT_LIMITS.tenantTtlMs}, 24 h)
  --max-deployments-per-tenant <n>  (default: ${DEFAULT_LIMITS.maxDeploymentsPerTenant})
  --max-tenant-bytes <n>      bytes of settings one tenant may store (default: ${DEFAULT_LIMITS.maxTenantBytes})
  --max-deployments <n>       deployments held in all (default: ${DEFAULT_LIMITS.maxDeployments})
  --max-total-bytes <n>       bytes of settings held in all (default: ${DEFAULT_LIMITS.maxTotalBytes})
  --log                       JSON on stdout, one object a line: each request, and the server's own
                              events (listening, stopping, store up/down); health and readiness
                              probes only with --log-probes
  --log-probes                log health and readiness probes too
  --metrics-port <n>          Prometheus metrics at GET /metrics on this port (default: off)
  --metrics-host <address>    interface of the metrics port (default: 127.0.0.1)
  --store <memory|redis://host:port/db>
                              where the sandbox's state lives: in this process (memory), or in Redis,
                              shared by every replica given the same URL and kept across restarts
                              (default: $SGI_MOCK_STORE, else memory; see "Running several replicas")
  -h, --help                  show this help

Every flag can be set by an environment variable instead: SGI_MOCK_ and the flag's name in capitals
(SGI_MOCK_PORT=4010, SGI_MOCK_LOG=true, SGI_MOCK_CORS_ORIGIN=a,b). A flag wins over its variable.

       sgi-mock store <status | accept> [--store <url>]
                              show the shared store's identity, or accept the store the replicas now
                              find in place of the one they were using (see "Running several replicas")
`;

/** One flag of `sgi-mock`, and the environment variable that stands for it when the flag is not given. */
export interface FlagDefinition {
  /** The flag without its dashes (`port` for `--port`). */
  name: string;
  /** The environment variable read when the flag is absent (`SGI_MOCK_PORT`). */
  env: string;
  /** `boolean` flags take no value; as variables they read `true`/`1`/`yes` or `false`/`0`/`no`. */
  type: 'string' | 'boolean';
  /** May be repeated; as a variable, a comma list. */
  multiple?: boolean;
  /** What the flag and its variable do, in a few words (the README's table checks against this). */
  about: string;
}

const flag = (name: string, type: 'string' | 'boolean', about: string, multiple = false): FlagDefinition => ({
  name,
  env: `SGI_MOCK_${name.toUpperCase().replaceAll('-', '_')}`,
  type,
  about,
  ...(multiple ? { multiple } : {}),
});

/**
 * Every flag of the server and its environment variable (`SGI_MOCK_` and the flag's name in capitals,
 * dashes as underscores). A flag given on the command line wins over its variable, which wins over the
 * default; a variable set to the empty string counts as not set. Both go through the same checks, and an
 * error names the one that was read. The README's table of variables is checked against this list.
 */
export const FLAGS: readonly FlagDefinition[] = [
  flag('mode', 'string', 'static, sandbox or proxy'),
  flag('port', 'string', 'port to listen on'),
  flag('host', 'string', 'interface to listen on'),
  flag('provision-delay-ms', 'string', 'time from PROVISIONING to ACTIVE'),
  flag('delete-delay-ms', 'string', 'time from DELETING to gone'),
  flag('public-url', 'string', 'the URL partners reach the sandbox at'),
  flag('endpoint-max-stream-ms', 'string', "longest stream of a deployment's endpoint"),
  flag('production-quirks', 'boolean', 'answer as production does for each known drift'),
  flag('chaos', 'string', 'share of calls answered 429 or 503'),
  flag('max-body-bytes', 'string', 'largest request body'),
  flag('upstream', 'string', 'proxy: the server to forward to'),
  flag('strict', 'boolean', 'proxy: refuse a request that breaks the spec'),
  flag('report', 'string', 'proxy: file the violations are appended to'),
  flag('cors-origin', 'string', 'origins that may call from a browser (comma list)', true),
  flag('headers-timeout-ms', 'string', "time to send a request's headers"),
  flag('request-timeout-ms', 'string', 'time to send a whole request'),
  flag('max-connections', 'string', 'open connections at once'),
  flag('max-concurrent-per-client', 'string', 'requests in flight from one client'),
  flag('max-connections-per-client', 'string', 'open connections from one address'),
  flag('trust-proxy', 'string', 'proxies that may name the client (comma list)', true),
  flag('shutdown-grace-ms', 'string', 'on SIGTERM, time it keeps serving while not ready'),
  flag('drain-timeout-ms', 'string', 'then, time the requests in flight have to finish'),
  flag('exit-with-parent', 'boolean', 'stop when the process that started it exits'),
  flag('store', 'string', "where the sandbox's state lives"),
  flag('auth', 'string', 'open or keys'),
  flag('admin-token', 'string', "the operator's token for the admin API"),
  flag('admin-port', 'string', 'serve the admin API on this port only'),
  flag('admin-host', 'string', 'interface of the admin port'),
  flag('rate-limit', 'string', 'requests per second per tenant'),
  flag('max-concurrent', 'string', 'requests in flight per tenant'),
  flag('max-answer-bytes-per-second', 'string', 'bytes of answers per second per tenant'),
  flag('max-tenants', 'string', 'tenants held'),
  flag('tenant-ttl-ms', 'string', 'an idle tenant is forgotten after this'),
  flag('max-deployments-per-tenant', 'string', 'deployments of one tenant'),
  flag('max-tenant-bytes', 'string', 'bytes of settings of one tenant'),
  flag('max-deployments', 'string', 'deployments held in all'),
  flag('max-total-bytes', 'string', 'bytes of settings held in all'),
  flag('log', 'boolean', 'JSON log lines on stdout'),
  flag('log-probes', 'boolean', 'log health and readiness probes too'),
  flag('metrics-port', 'string', 'Prometheus metrics on this port'),
  flag('metrics-host', 'string', 'interface of the metrics port'),
];

/** The environment variable that names the sandbox's store when `--store` is not given. */
export const STORE_ENV = 'SGI_MOCK_STORE';

/** The CLI's default time it keeps serving after SIGTERM, while readiness answers 503. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

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

/**
 * What the command line asks for: the server's options, and when to stop with the process that started
 * it: `true` (`--exit-with-parent`), `false` (`--no-exit-with-parent`), or undefined: only when its stdin
 * is a pipe, which closes when the parent goes (a test runner that spawned it).
 */
export type CliOptions = MockServerOptions & { exitWithParent?: boolean };

/** Turns a variable's text into a boolean flag's value, or explains why it cannot. */
function booleanVariable(name: string, value: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false (got '${value.slice(0, 100)}').`);
}

/** The flags' values: each from the command line, else from its environment variable; and where each came from. */
function readFlags(
  args: string[],
  env: Record<string, string | undefined>,
): { values: Record<string, string | boolean | string[] | undefined>; source: (name: string) => string } {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    allowNegative: true,
    options: CLI_FLAGS,
  });
  const read = { ...values } as Record<string, string | boolean | string[] | undefined>;
  if (read['exit-with-parent'] === undefined && read['follow-parent'] !== undefined)
    read['exit-with-parent'] = read['follow-parent'];
  const fromEnv = new Map<string, string>();
  for (const f of FLAGS) {
    if (read[f.name] !== undefined) continue;
    const raw = env[f.env];
    if (raw === undefined || raw === '') continue;
    fromEnv.set(f.name, f.env);
    read[f.name] = f.type === 'boolean' ? booleanVariable(f.env, raw) : f.multiple ? [raw] : raw;
  }
  return { values: read, source: (name) => fromEnv.get(name) ?? `--${name}` };
}

/** Reads `--cors-origin` values (repeated, or comma lists): each an `http(s)://host[:port]` origin. */
function corsOrigins(values: string[] | undefined, from: string): string[] | undefined {
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
      throw new Error(`${from} must be an origin such as https://app.example.com, or '*' (got '${origin}').`);
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

/** Reads `--store` (or `SGI_MOCK_STORE`): `memory` or a Redis URL, never quoting a password. */
function storeFlag(value: string | undefined, from: string): string | undefined {
  if (value === undefined || value === 'memory') return value;
  const problem = storeUrlProblem(value);
  if (problem) {
    throw new Error(
      `${from} must be 'memory' or a Redis URL such as redis://127.0.0.1:6379/0: it ${problem}.`,
    );
  }
  return value;
}

/** Keeps only the options that were given, so that the server's defaults apply to the rest. */
function given<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The flags of `sgi-mock` (not its `keys` or `store` commands), as `node:util`'s `parseArgs` reads
 * them, made from {@link FLAGS}: the definitions the release checks report, with the defaults that
 * `HELP` states, to catch a flag removed or a default changed before a release.
 */
export const CLI_FLAGS = Object.fromEntries([
  ...FLAGS.map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}) }]),
  // The earlier name of `--exit-with-parent`, kept working.
  ['follow-parent', { type: 'boolean' }],
  ['help', { type: 'boolean', short: 'h' }],
]) as NonNullable<ParseArgsConfig['options']>;

/**
 * Turns command-line arguments and the environment into server options; throws with a clear message on
 * bad input, naming the flag or the variable it read. Each flag of {@link FLAGS} may come from its
 * `SGI_MOCK_*` variable instead (a flag wins over its variable), so that secrets such as the admin
 * token need not appear in a process list. `PORT` is not read: set `SGI_MOCK_PORT` or pass `--port`.
 */
export function optionsFromArgs(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): CliOptions | ProxyCliOptions | 'help' {
  const { values, source } = readFlags(args, env);
  if (values.help) return 'help';
  const text = (name: string) => values[name] as string | undefined;
  /** Reads a non-negative number flag, or explains why it cannot. */
  const numberFlag = (name: string, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
      throw new Error(`${source(name)} must be a number from 0 to ${max} (got '${value}').`);
    }
    return n;
  };
  /** Reads a whole-number flag, or explains why it cannot. */
  const integerFlag = (name: string, max: number, min = 0): number | undefined => {
    const n = numberFlag(name, max);
    if (n !== undefined && (!Number.isInteger(n) || n < min)) {
      throw new Error(`${source(name)} must be a whole number from ${min} to ${max} (got '${text(name)}').`);
    }
    return n;
  };
  const mode = text('mode') ?? 'sandbox';
  if (mode !== 'static' && mode !== 'sandbox' && mode !== 'proxy') {
    throw new Error(`${source('mode')} must be 'static', 'sandbox' or 'proxy' (got '${mode}').`);
  }
  const port = integerFlag('port', 65535) ?? 4010;
  const upstream = text('upstream');
  if (mode === 'proxy') {
    if (!upstream) throw new Error('--mode proxy needs --upstream <url>, the server to forward to.');
    if (!/^https?:\/\/[^\s]+$/.test(upstream)) {
      throw new Error(`${source('upstream')} must be an http(s) URL (got '${upstream.slice(0, 200)}').`);
    }
    const report = text('report');
    return {
      mode,
      upstream,
      strict: values.strict === true,
      ...(report ? { report } : {}),
      port,
      host: text('host') ?? '127.0.0.1',
      maxBodyBytes: numberFlag('max-body-bytes', 64 * 1024 * 1024),
    };
  }
  for (const name of ['upstream', 'strict', 'report'] as const) {
    if (values[name] !== undefined) throw new Error(`${source(name)} only applies to --mode proxy.`);
  }
  const auth = text('auth') ?? 'open';
  if (auth !== 'open' && auth !== 'keys')
    throw new Error(`${source('auth')} must be 'open' or 'keys' (got '${auth}').`);
  if (auth === 'keys' && mode !== 'sandbox') throw new Error('--auth keys needs --mode sandbox.');
  const adminToken = text('admin-token');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new Error(
      'The admin token (--admin-token or SGI_MOCK_ADMIN_TOKEN) must have at least 16 characters.',
    );
  }
  const big = 1_000_000_000;
  return given({
    mode,
    port,
    host: text('host') ?? '127.0.0.1',
    provisionDelayMs: numberFlag('provision-delay-ms', 3_600_000),
    deleteDelayMs: numberFlag('delete-delay-ms', 3_600_000),
    publicUrl: text('public-url') === undefined ? undefined : publicUrlOf(text('public-url') as string),
    endpointMaxStreamMs: integerFlag('endpoint-max-stream-ms', 3_600_000, 1),
    chaos: numberFlag('chaos', 1),
    productionQuirks: values['production-quirks'] === true ? true : undefined,
    maxBodyBytes: numberFlag('max-body-bytes', 64 * 1024 * 1024),
    corsOrigins: corsOrigins(values['cors-origin'] as string[] | undefined, source('cors-origin')),
    headersTimeoutMs: integerFlag('headers-timeout-ms', 600_000, 1),
    requestTimeoutMs: integerFlag('request-timeout-ms', 3_600_000, 1),
    maxConnections: integerFlag('max-connections', 1_000_000, 1),
    maxConcurrentPerClient: integerFlag('max-concurrent-per-client', 1_000_000, 1),
    maxConnectionsPerClient: integerFlag('max-connections-per-client', 1_000_000, 1),
    trustProxy: trustProxyFlag(values['trust-proxy'] as string[] | undefined),
    shutdownGraceMs: integerFlag('shutdown-grace-ms', 600_000) ?? DEFAULT_SHUTDOWN_GRACE_MS,
    drainTimeoutMs: numberFlag('drain-timeout-ms', 600_000),
    storeUrl: storeFlag(text('store'), source('store')),
    auth,
    adminToken,
    adminPort: integerFlag('admin-port', 65535),
    adminHost: text('admin-host'),
    rateLimit: integerFlag('rate-limit', 1_000_000),
    maxConcurrent: integerFlag('max-concurrent', 100_000),
    maxAnswerBytesPerSecond: integerFlag('max-answer-bytes-per-second', 64 * big),
    maxTenants: integerFlag('max-tenants', 10_000_000, 1),
    tenantTtlMs: integerFlag('tenant-ttl-ms', 365 * 86_400_000, 1),
    maxDeploymentsPerTenant: integerFlag('max-deployments-per-tenant', big, 1),
    maxTenantBytes: integerFlag('max-tenant-bytes', 64 * big, 1),
    maxDeployments: integerFlag('max-deployments', big, 1),
    maxTotalBytes: integerFlag('max-total-bytes', 64 * big, 1),
    log: values.log === true,
    logProbes: values['log-probes'] === true ? true : undefined,
    metricsPort: integerFlag('metrics-port', 65535),
    metricsHost: text('metrics-host'),
    exitWithParent: values['exit-with-parent'] as boolean | undefined,
  } satisfies CliOptions);
}

/** The start-up warning for keys mode without an admin token: no key can be issued. */
export function noAdminTokenWarning(options: MockServerOptions): string | undefined {
  if (options.auth !== 'keys' || options.adminToken) return undefined;
  return 'keys mode without an admin token: no sandbox key can be issued, so every partner request answers 401. Set SGI_MOCK_ADMIN_TOKEN (or --admin-token) to enable the admin API.';
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
