import { readFileSync } from 'node:fs';
import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  createClient,
  DeploymentFailedError,
  type InferenceDeployment,
  type InferenceDeploymentCreate,
  type ScaleGenClient,
  WaitTimeoutError,
} from '@sgi/client';
import { confirm } from './confirm.js';
import { ExitCode, type ExitCodeValue, UsageError } from './errors.js';
import { endpointOf, LIST_HEAD, listRow, RUNNING, viewPanel } from './format.js';
import { NO_COLOURS, type Output } from './output.js';
import type { FieldProblem } from './validate.js';

/** The validator (Ajv and the compiled spec), loaded only by the commands that check a request. */
const loadValidator = () => import('./validate.js');

const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;

/** Options every command takes. */
export interface CommonOptions {
  /** The API's base URL (default `SCALEGEN_BASE_URL`, else production). */
  baseUrl?: string;
  /** Print one JSON document. */
  json?: boolean;
}

/** What a command needs to run: where it prints, and a signal for Ctrl-C. */
export interface Context {
  out: Output;
  signal: AbortSignal;
}

/**
 * A client from the environment, as `@sgi/client` reads it (`SCALEGEN_ACCESS_TOKEN`, or
 * `SCALEGEN_ACCESS_KEY_ID` + `SCALEGEN_ACCESS_KEY_SECRET`; `SCALEGEN_BASE_URL`; `SCALEGEN_LOG`), with
 * `--base-url` winning. Its log lines go to standard error.
 */
export function clientFor(ctx: Context, options: CommonOptions): ScaleGenClient {
  const env = ctx.out.io.env;
  const token = env.SCALEGEN_ACCESS_TOKEN || undefined;
  const keyId = env.SCALEGEN_ACCESS_KEY_ID || undefined;
  const keySecret = env.SCALEGEN_ACCESS_KEY_SECRET || undefined;
  if (!token && !(keyId && keySecret)) {
    throw new UsageError(
      'no credentials: set SCALEGEN_ACCESS_TOKEN, or SCALEGEN_ACCESS_KEY_ID and SCALEGEN_ACCESS_KEY_SECRET',
    );
  }
  const line =
    (level: string) =>
    (...args: unknown[]) =>
      void ctx.out.io.stderr.write(`${level}: ${args.map(String).join(' ')}\n`);
  const baseUrl = options.baseUrl ?? env.SCALEGEN_BASE_URL;
  // An unknown SCALEGEN_LOG is reported, not fatal: logging then stays at warnings.
  let logLevel = env.SCALEGEN_LOG as (typeof LOG_LEVELS)[number] | undefined;
  if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
    ctx.out.warn(
      `SCALEGEN_LOG=${JSON.stringify(logLevel)} is not a log level (${LOG_LEVELS.join(', ')}): logging warnings`,
    );
    logLevel = 'warn';
  }
  return createClient({
    ...(token ? { token } : { keyId, keySecret }),
    ...(baseUrl ? { baseUrl } : {}),
    ...(logLevel ? { logLevel } : {}),
    logger: { error: line('error'), warn: line('warning'), info: line('info'), debug: line('debug') },
  });
}

/** Options of `launch` and `create`. */
export interface CreateOptions extends CommonOptions {
  /** Skip the confirmation. */
  yes?: boolean;
  /** Validate and print the request; send nothing. */
  dryRun?: boolean;
  /** Wait until the new deployment is `ACTIVE`. */
  wait?: boolean;
  /** Deadline of `--wait`, in ms. */
  timeout?: number;
  /** First delay between two polls of `--wait`, in ms. */
  interval?: number;
}

/** The problems of a request as the lines of a usage error: `FILE:LINE:COLUMN field: reason`. */
function problemLines(
  problems: FieldProblem[],
  file?: string,
  flagOf?: (field: string) => string | undefined,
) {
  return problems.map((p) => {
    const where = file ? `${file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ` : '';
    const flag = flagOf?.(p.field);
    return `${where}${p.field}${flag ? ` (${flag})` : ''}: ${p.message}`;
  });
}

/** `sgi infer launch FILE`: the create request from a YAML or JSON file. */
export async function launch(ctx: Context, file: string, options: CreateOptions): Promise<ExitCodeValue> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`launch: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const { body, problems } = (await loadValidator()).parseCreateFile(text);
  if (problems.length > 0) {
    const n = problems.length;
    throw new UsageError(
      `launch: ${file} is not a valid create request (${n} problem${n === 1 ? '' : 's'}); nothing was sent`,
      problemLines(problems, file),
    );
  }
  return createDeployment(ctx, body as InferenceDeploymentCreate, options, 'launch');
}

/** `sgi infer create --name ... --model ...`: the create request from flags, checked like a file. */
export async function create(
  ctx: Context,
  body: InferenceDeploymentCreate,
  options: CreateOptions,
  flagOf: (field: string) => string | undefined,
): Promise<ExitCodeValue> {
  const problems = (await loadValidator()).validateCreate(body);
  if (problems.length > 0) {
    throw new UsageError(
      'create: invalid request; nothing was sent',
      problemLines(problems, undefined, flagOf),
    );
  }
  return createDeployment(ctx, body, options, 'create');
}

/** The request as `--dry-run` prints it: `hf_token` values masked. */
function masked(body: InferenceDeploymentCreate): unknown {
  return JSON.parse(JSON.stringify(body), (key, value) =>
    key === 'hf_token' && typeof value === 'string' && value ? '[***]' : value,
  );
}

/**
 * Creates a deployment, after the real CLI's safety rule: a warning (and, on a terminal, a question)
 * when a deployment of the same model is already running, and a notice that this starts paid GPUs.
 * A create whose outcome is unknown (a timeout, a 5xx) is never sent again (the client's policy):
 * the error says to look at `sgi infer list` before trying again.
 */
async function createDeployment(
  ctx: Context,
  body: InferenceDeploymentCreate,
  options: CreateOptions,
  command: string,
): Promise<ExitCodeValue> {
  const { out } = ctx;
  if (options.dryRun) {
    if (options.json) out.printJson(masked(body));
    else
      out.print(
        `${JSON.stringify(masked(body), null, 2)}\n${out.out.dim('valid; nothing was sent (--dry-run)')}`,
      );
    return ExitCode.ok;
  }
  const client = clientFor(ctx, options);
  const running = (await client.inference.list({ signal: ctx.signal })).filter(
    (d) => d.model === body.model && RUNNING.has(d.status),
  );
  if (running.length > 0) {
    out.warn(
      `${running.length} deployment${running.length === 1 ? '' : 's'} of ${body.model} already running: ${running
        .map((d) => `${d.name} ${d.id} (${d.status})`)
        .join(', ')}`,
    );
  }
  out.warn(
    `this starts paid GPUs: deployment ${body.name} of ${body.model} is billed until it is stopped or deleted`,
  );
  await confirm(
    out,
    running.length > 0
      ? `Create a second running deployment of ${body.model}?`
      : `Deploy ${body.model} on paid GPUs?`,
    options.yes === true,
    command,
  );
  let created: { inf_id: string };
  try {
    created = await client.inference.create(body, { signal: ctx.signal });
  } catch (error) {
    if (!(error instanceof APIError && error.status < 500) && !(error instanceof APIUserAbortError)) {
      out.warn(
        'the create may have reached the service; it was not sent again. Run `sgi infer list` to see whether it exists before trying again',
      );
    }
    throw error;
  }
  const id = created.inf_id;
  if (!options.wait) {
    if (options.json) out.printJson({ inf_id: id, name: body.name });
    else {
      out.print(id);
      out.note(`Created ${body.name}. Follow it with: sgi infer wait ${id}`);
    }
    return ExitCode.ok;
  }
  return waitFor(ctx, client, id, options);
}

/** Options of `wait` (and `--wait`). */
export interface WaitCommandOptions extends CommonOptions {
  /** Deadline in ms (`0`: none). */
  timeout?: number;
  /** First delay between two polls, in ms. */
  interval?: number;
}

/** `sgi infer wait ID`: progress until `ACTIVE`; exit code 4 when it fails or the deadline passes. */
export async function wait(ctx: Context, id: string, options: WaitCommandOptions): Promise<ExitCodeValue> {
  return waitFor(ctx, clientFor(ctx, options), id, options);
}

async function waitFor(
  ctx: Context,
  client: ScaleGenClient,
  id: string,
  options: WaitCommandOptions,
): Promise<ExitCodeValue> {
  const { out } = ctx;
  const progress = out.progress(`waiting for ${id} to be ACTIVE`);
  let ready: InferenceDeployment;
  try {
    ready = await client.inference.waitUntilReady(id, {
      signal: ctx.signal,
      timeout: options.timeout ?? 20 * 60_000,
      ...(options.interval ? { interval: options.interval } : {}),
      onStatus: (status, d) => progress.update(`${d.name} (${id}) is ${status}`),
    });
  } catch (error) {
    if (error instanceof DeploymentFailedError) {
      const reason = (error.deployment.metadata as Record<string, unknown> | undefined)?.failure_reason;
      progress.fail(`${id} is ${error.deployment.status}${typeof reason === 'string' ? `: ${reason}` : ''}`);
    } else if (error instanceof WaitTimeoutError) progress.fail(`${id}: gave up waiting`);
    else progress.fail(`${id}: stopped waiting`);
    throw error;
  }
  progress.succeed(`${ready.name} (${id}) is ACTIVE`);
  if (options.json) out.printJson(ready);
  else out.print(`${id} ${out.out.green('ACTIVE')} ${endpointOf(ready) ?? ''}`.trimEnd());
  return ExitCode.ok;
}

/** Options of `list`. */
export interface ListOptions extends CommonOptions {
  /** A plain table (no borders, no colour). */
  plain?: boolean;
  /** Refresh every `interval` until Ctrl-C. */
  watch?: boolean;
  /** Refresh interval of `--watch`, in ms. */
  interval?: number;
}

/** `sgi infer list`: a table like the real CLI's, or the array with `--json`; `--watch` refreshes it. */
export async function list(ctx: Context, options: ListOptions): Promise<ExitCodeValue> {
  const { out } = ctx;
  const client = clientFor(ctx, options);
  const render = async (first: boolean) => {
    const deployments = await client.inference.list({ signal: ctx.signal });
    if (options.json) {
      // With --watch, one document per refresh, one per line (JSON Lines).
      out.io.stdout.write(`${JSON.stringify(deployments, null, options.watch ? undefined : 2)}\n`);
      return;
    }
    const text =
      deployments.length === 0
        ? 'No deployments.'
        : out.table(
            LIST_HEAD,
            deployments.map((d) => listRow(options.plain ? NO_COLOURS : out.out, d)),
            options.plain === true,
          );
    if (options.watch && out.io.stdout.isTTY) out.io.stdout.write('\x1b[2J\x1b[H');
    else if (options.watch && !first) out.print('');
    if (options.watch) out.print(out.out.dim(`${new Date().toISOString()}  (Ctrl-C to stop)`));
    out.print(text);
  };
  await render(true);
  if (!options.watch) return ExitCode.ok;
  const every = options.interval ?? 5000;
  for (;;) {
    const stopped = await new Promise<boolean>((resolve) => {
      if (ctx.signal.aborted) return resolve(true);
      const timer = setTimeout(() => resolve(false), every);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        { once: true },
      );
    });
    if (stopped) return ExitCode.ok;
    try {
      await render(false);
    } catch (error) {
      if (error instanceof APIUserAbortError) return ExitCode.ok;
      // A refresh that failed for the network is reported and the watch goes on; anything else ends it.
      if (!(error instanceof APIConnectionError)) throw error;
      out.warn(`refresh failed: ${(error as Error).message}`);
    }
  }
}

/** `sgi infer view ID`: the real CLI's panel, or the deployment with `--json`. */
export async function view(ctx: Context, id: string, options: CommonOptions): Promise<ExitCodeValue> {
  const d = await clientFor(ctx, options).inference.get(id, { signal: ctx.signal });
  if (options.json) ctx.out.printJson(d);
  else ctx.out.print(viewPanel(ctx.out.out, d));
  return ExitCode.ok;
}

/** `sgi infer start ID`: starts an `INACTIVE` deployment (paid GPUs again). */
export async function start(ctx: Context, id: string, options: CommonOptions): Promise<ExitCodeValue> {
  const { out } = ctx;
  out.warn(`this starts paid GPUs: deployment ${id} is billed again until it is stopped or deleted`);
  const message = await clientFor(ctx, options).inference.start(id, { signal: ctx.signal });
  if (options.json) out.printJson({ id, message });
  else out.print(message);
  return ExitCode.ok;
}

/** Options of `stop` and `delete`. */
export interface DestroyOptions extends CommonOptions {
  /** Do not wait for in-flight requests to finish. */
  force?: boolean;
  /** Skip the confirmation. */
  yes?: boolean;
}

/** `sgi infer stop ID` and `sgi infer delete ID`: asked first (or `--yes`); `--force` passed to the API. */
export async function destroy(
  ctx: Context,
  action: 'stop' | 'delete',
  id: string,
  options: DestroyOptions,
): Promise<ExitCodeValue> {
  const { out } = ctx;
  const client = clientFor(ctx, options);
  if (!options.yes && out.io.stdin.isTTY === true) {
    // Name what is about to go (and answer 3 for an id that does not exist) before asking.
    const d = await client.inference.get(id, { signal: ctx.signal });
    const what =
      action === 'stop'
        ? `Stop ${d.name} (${d.model})? Its endpoint stops serving until it is started again.`
        : `Delete ${d.name} (${d.model})? This cannot be undone.`;
    await confirm(out, what, false, action);
  } else await confirm(out, '', options.yes === true, action);
  const params = options.force === undefined ? undefined : { force: options.force };
  const message =
    action === 'stop'
      ? await client.inference.stop(id, params, { signal: ctx.signal })
      : await client.inference.delete(id, params, { signal: ctx.signal });
  if (options.json) out.printJson({ id, message });
  else out.print(message);
  return ExitCode.ok;
}
