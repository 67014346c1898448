import { parseArgs } from 'node:util';
import { storeUrlProblem } from './sandbox/store/url.js';
import type { MockServerOptions } from './server.js';

/** The `sgi-mock --help` text. */
export const HELP = `Usage: sgi-mock [options]

Mock server of the ScaleGenAI Inference API.

Options:
  --mode <static|sandbox>     static: Prism serving the spec's examples; sandbox: a stateful fake
                              with the spec enforced on requests and responses (default: sandbox)
  --port <n>                  port to listen on, 0 for a free one (default: 4010)
  --host <address>            interface to listen on (default: 127.0.0.1)
  --provision-delay-ms <n>    sandbox: time from PROVISIONING to ACTIVE (default: 2000)
  --delete-delay-ms <n>       sandbox: time from DELETING to gone (default: 1000)
  --chaos <share>             answer this share (0 to 1) of calls with 429 or 503 and Retry-After (default: 0)
  --max-body-bytes <n>        largest request body accepted (default: 1048576)
  --store <memory|redis://host:port/db>
                              sandbox: where its state lives: in this process (memory), or in Redis,
                              shared by every replica given the same URL and kept across restarts
                              (default: $SGI_MOCK_STORE, else memory)
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

/** The environment variable that names the sandbox's store when `--store` is not given. */
export const STORE_ENV = 'SGI_MOCK_STORE';

/** Reads `--store` (or the environment's `SGI_MOCK_STORE`): `memory` or a Redis URL, never quoting a password. */
function storeFlag(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
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

/**
 * Turns command-line arguments into server options; throws with a clear message on bad input.
 * `env` supplies the defaults that may come from the environment (`SGI_MOCK_STORE`).
 */
export function optionsFromArgs(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): MockServerOptions | 'help' {
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
      store: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const mode = values.mode ?? 'sandbox';
  if (mode !== 'static' && mode !== 'sandbox') {
    throw new Error(`--mode must be 'static' or 'sandbox' (got '${mode}').`);
  }
  const port = numberFlag('port', values.port, 65535) ?? 4010;
  if (!Number.isInteger(port)) throw new Error(`--port must be an integer (got '${values.port}').`);
  return {
    mode,
    port,
    host: values.host ?? '127.0.0.1',
    provisionDelayMs: numberFlag('provision-delay-ms', values['provision-delay-ms'], 3_600_000),
    deleteDelayMs: numberFlag('delete-delay-ms', values['delete-delay-ms'], 3_600_000),
    chaos: numberFlag('chaos', values.chaos, 1),
    maxBodyBytes: numberFlag('max-body-bytes', values['max-body-bytes'], 64 * 1024 * 1024),
    storeUrl: storeFlag(values.store, env),
  };
}
