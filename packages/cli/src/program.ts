import { readFileSync } from 'node:fs';
import type { InferenceDeploymentCreate } from '@sgi/client';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import * as commands from './commands.js';
import { ExitCode, type ExitCodeValue, errorDocument, exitCodeOf, UsageError } from './errors.js';
import { parseDuration } from './format.js';
import { type CliIO, Output } from './output.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const INF_TYPES = ['llm', 'embedding', 'tti', 'vlm'];
const ENGINES = ['vllm', 'tei', 'nim', 'lmdeploy', 'nos', 'friendli'];
const STRATEGIES = ['ttft_latency_sec', 'rps_per_worker', 'e2e_latency_sec'];

const number = (flag: string) => (text: string) => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number`);
  return n;
};
const integer = (flag: string) => (text: string) => {
  const n = number(flag)(text);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number`);
  return n;
};
const duration = (flag: string) => (text: string) => {
  try {
    return parseDuration(flag, text);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Create flags -> the request fields they set, so that a problem names the flag too. */
const FLAG_OF: Record<string, string> = {
  name: '--name',
  model: '--model',
  base_model: '--base-model',
  inf_type: '--inf-type',
  engine: '--engine',
  custom_chat_template: '--chat-template',
  allow_spot_instances: '--spot',
  max_price_per_hour: '--max-price-per-hour',
  min_throughput_rate: '--min-throughput-rate',
  max_model_len: '--max-model-len',
  throughput_optimized: '--throughput-optimized',
  'controller_cloud_config.cloud_provider': '--controller',
  'controller_cloud_config.region': '--controller',
  controller_cloud_config: '--controller',
  'controller_on_prem_config.on_prem_node_id': '--on-prem-node',
  controller_on_prem_config: '--on-prem-node',
  '(root)': '--controller or --on-prem-node',
  'initial_worker_config.min_workers': '--min-workers',
  'initial_worker_config.max_workers': '--max-workers',
  'initial_worker_config.initial_workers_gpu': '--gpu',
  'initial_worker_config.initial_workers_gpu_num': '--gpu-count',
  'initial_worker_config.use_other_gpus': '--use-other-gpus',
  'autoscaling_config.scale_to_zero': '--scale-to-zero',
  'autoscaling_config.scale_to_zero_timeout_sec': '--scale-to-zero',
  'autoscaling_config.autoscaling_strategy': '--autoscaling-strategy',
};
const flagOf = (field: string) =>
  FLAG_OF[field] ??
  (field.startsWith('cloud_providers') ? '--cloud' : field.startsWith('llm_loras') ? '--lora' : undefined);

/** The flags of `sgi infer create`, as commander parses them. */
interface CreateFlags extends commands.CreateOptions {
  name: string;
  model: string;
  baseModel?: string;
  infType?: string;
  engine?: string;
  hfToken?: string;
  chatTemplate?: string;
  spot?: boolean;
  cloud?: string[];
  maxPricePerHour?: number;
  minThroughputRate?: number;
  maxModelLen?: number;
  throughputOptimized?: boolean;
  controller?: string;
  onPremNode?: string;
  minWorkers?: number;
  maxWorkers?: number;
  gpu?: string;
  gpuCount?: number;
  useOtherGpus?: boolean;
  scaleToZero?: number | true;
  autoscalingStrategy?: string;
  lora?: string[];
}

/** The create request that `sgi infer create`'s flags describe (only what was given; the API fills in the rest). */
export function bodyFromFlags(f: CreateFlags): InferenceDeploymentCreate {
  const body: Record<string, unknown> = { name: f.name, model: f.model };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) body[key] = value;
  };
  set('base_model', f.baseModel);
  set('inf_type', f.infType);
  set('engine', f.engine);
  set('hf_token', f.hfToken || undefined);
  set('custom_chat_template', f.chatTemplate);
  set('allow_spot_instances', f.spot);
  set('max_price_per_hour', f.maxPricePerHour);
  set('min_throughput_rate', f.minThroughputRate);
  set('max_model_len', f.maxModelLen);
  set('throughput_optimized', f.throughputOptimized);
  if (f.cloud) {
    body.cloud_providers = f.cloud.map((entry) => {
      const [name = '', regions] = entry.split(':');
      return { name, regions: regions ? regions.split(',').filter(Boolean) : [] };
    });
  }
  if (f.controller !== undefined) {
    const [cloud_provider = '', ...region] = f.controller.split(':');
    if (region.length === 0)
      throw new UsageError(`--controller: '${f.controller}' is not PROVIDER:REGION (e.g. SCALEGENAI:US)`);
    body.controller_cloud_config = { cloud_provider, region: region.join(':') };
  }
  if (f.onPremNode !== undefined) body.controller_on_prem_config = { on_prem_node_id: f.onPremNode };
  const workers: Record<string, unknown> = {};
  if (f.minWorkers !== undefined) workers.min_workers = f.minWorkers;
  if (f.maxWorkers !== undefined) workers.max_workers = f.maxWorkers;
  if (f.gpu !== undefined) workers.initial_workers_gpu = f.gpu;
  if (f.gpuCount !== undefined) workers.initial_workers_gpu_num = f.gpuCount;
  if (f.useOtherGpus !== undefined) workers.use_other_gpus = f.useOtherGpus;
  if (Object.keys(workers).length > 0) body.initial_worker_config = workers;
  const scaling: Record<string, unknown> = {};
  if (f.scaleToZero !== undefined) {
    scaling.scale_to_zero = true;
    if (f.scaleToZero !== true) scaling.scale_to_zero_timeout_sec = Math.round(f.scaleToZero / 1000);
  }
  if (f.autoscalingStrategy !== undefined) scaling.autoscaling_strategy = f.autoscalingStrategy;
  if (Object.keys(scaling).length > 0) body.autoscaling_config = scaling;
  if (f.lora) {
    body.llm_loras = f.lora.map((entry) => {
      const at = entry.indexOf('=');
      if (at <= 0) throw new UsageError(`--lora: '${entry}' is not NAME=HF_REPO`);
      return { name: entry.slice(0, at), hf_repo: entry.slice(at + 1) };
    });
  }
  return body as unknown as InferenceDeploymentCreate;
}

const EXIT_CODES_HELP = `
Exit codes: 0 done, 1 API error (or unreachable), 2 usage (bad flag, invalid file, no credentials,
refused confirmation), 3 not found, 4 failed or timed out while waiting.
Environment: SCALEGEN_ACCESS_TOKEN (or SCALEGEN_ACCESS_KEY_ID + SCALEGEN_ACCESS_KEY_SECRET),
SCALEGEN_BASE_URL, SCALEGEN_LOG, NO_COLOR.`;

/**
 * Builds the `sgi` program. `setExit` receives each command's exit code; the caller runs
 * `parseAsync`. Exposed for tests and for tools that embed the commands.
 */
export function buildProgram(ctx: commands.Context, setExit: (code: ExitCodeValue) => void): Command {
  const io = ctx.out.io;
  const program = new Command('sgi')
    .description('The command line of the ScaleGenAI Inference API, at parity with `scalegen infer`.')
    .version(VERSION, '-V, --version')
    .option(
      '--base-url <url>',
      'API base URL (default: SCALEGEN_BASE_URL, else https://prod-api.scalegen.ai)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .addHelpText('after', EXIT_CODES_HELP);

  const infer = program
    .command('infer')
    .description('Inference deployments: launch, create, list, view, start, stop, delete, wait.')
    .addHelpText('after', `\nExample:\n  sgi infer launch deployment.yaml --wait\n${EXIT_CODES_HELP}`);

  // Each command gets a fresh Output (for its --json) and the global --base-url.
  const runWith =
    <A extends unknown[]>(fn: (c: commands.Context, ...args: A) => Promise<ExitCodeValue>) =>
    async (...args: A) => {
      // commander passes (...arguments, options, command): the options get the global ones too.
      const command = args[args.length - 1] as Command;
      const options = command.optsWithGlobals() as commands.CommonOptions;
      args[args.length - 2] = options;
      const local = { ...ctx, out: new Output(io, options.json === true) };
      setExit(await fn(local, ...args));
    };
  const json = new Option('--json', 'print one JSON document (no colour, no spinner)');
  const yes = new Option(
    '-y, --yes',
    'do not ask for confirmation (needed when standard input is not a terminal)',
  );
  const waitTimeout = new Option('--timeout <duration>', 'deadline of the wait (e.g. 90s, 30m; 0: none)')
    .argParser(duration('--timeout'))
    .default(20 * 60_000, '20m');
  const pollInterval = new Option('--interval <duration>', 'first delay between two polls').argParser(
    duration('--interval'),
  );

  infer
    .command('launch')
    .description(
      'Create a deployment from a YAML or JSON file (the create request), checked against the spec first.',
    )
    .argument('<file>', 'the create request, YAML or JSON')
    .addOption(yes)
    .option('--dry-run', 'check the file and print the request; send nothing')
    .option('--wait', 'wait until the deployment is ACTIVE')
    .addOption(waitTimeout)
    .addOption(pollInterval)
    .addOption(json)
    .addHelpText(
      'after',
      '\nStarts paid GPUs. Example:\n  sgi infer launch llama.yaml --yes --wait --timeout 30m\n  sgi infer launch llama.yaml --dry-run',
    )
    .action(runWith((c, file: string, o: commands.CreateOptions) => commands.launch(c, file, o)));

  infer
    .command('create')
    .description('Create a deployment from flags for the common fields.')
    .requiredOption('--name <name>', 'deployment name')
    .requiredOption('--model <model>', 'Hugging Face model id')
    .option('--base-model <model>', 'base model of a fine-tuned model')
    .addOption(new Option('--inf-type <type>', 'what the model does').choices(INF_TYPES))
    .addOption(new Option('--engine <engine>', 'serving engine (default: per type)').choices(ENGINES))
    .addOption(
      new Option('--hf-token <token>', 'Hugging Face token for a gated model (never printed)').env(
        'HF_TOKEN',
      ),
    )
    .option('--chat-template <template>', 'custom chat template')
    .option('--spot', 'allow spot instances')
    .option(
      '--cloud <provider:regions>',
      'a cloud to use, e.g. AWS:us-east-1,us-west-2 (repeatable)',
      collect,
    )
    .option('--max-price-per-hour <usd>', 'price ceiling', number('--max-price-per-hour'))
    .option(
      '--min-throughput-rate <n>',
      'size the deployment for this throughput',
      number('--min-throughput-rate'),
    )
    .option('--max-model-len <n>', 'context length', integer('--max-model-len'))
    .option('--throughput-optimized', 'optimise for throughput')
    .option('--controller <provider:region>', 'cloud controller, e.g. SCALEGENAI:US')
    .option('--on-prem-node <id>', 'on-premise controller node (instead of --controller)')
    .option('--min-workers <n>', 'fewest workers', integer('--min-workers'))
    .option('--max-workers <n>', 'most workers', integer('--max-workers'))
    .option('--gpu <type>', 'GPU type of the first workers, e.g. L40S, A100_80GB')
    .option('--gpu-count <n>', 'GPUs per worker', integer('--gpu-count'))
    .option('--use-other-gpus', 'let scaling use other GPU types')
    .addOption(
      new Option('--scale-to-zero [idle]', 'scale to zero after this idle time (e.g. 30m)').argParser(
        duration('--scale-to-zero'),
      ),
    )
    .addOption(
      new Option('--autoscaling-strategy <strategy>', 'what autoscaling follows').choices(STRATEGIES),
    )
    .option('--lora <name=hf_repo>', 'a LoRA adapter to serve (repeatable)', collect)
    .addOption(yes)
    .option('--dry-run', 'check the flags and print the request; send nothing')
    .option('--wait', 'wait until the deployment is ACTIVE')
    .addOption(waitTimeout)
    .addOption(pollInterval)
    .addOption(json)
    .addHelpText(
      'after',
      '\nStarts paid GPUs. Example:\n  sgi infer create --name bge --model BAAI/bge-large-en-v1.5 --inf-type embedding \\\n    --controller SCALEGENAI:US --gpu L4 --scale-to-zero 30m --yes --wait',
    )
    .action(
      runWith((c, o: CreateFlags) => {
        return commands.create(c, bodyFromFlags(o), o, flagOf);
      }),
    );

  infer
    .command('list')
    .description('List your deployments: id, name, model, spot, price per hour, status.')
    .option('--plain', 'plain columns, no borders or colour')
    .option('-w, --watch', 'refresh until Ctrl-C (with --json: one document per line)')
    .addOption(
      new Option('--interval <duration>', 'refresh interval of --watch')
        .argParser(duration('--interval'))
        .default(5000, '5s'),
    )
    .addOption(json)
    .addHelpText(
      'after',
      '\nExample:\n  sgi infer list\n  sgi infer list --json | jq -r \'.[] | select(.status == "ACTIVE") | .id\'',
    )
    .action(runWith((c, o: commands.ListOptions) => commands.list(c, o)));

  infer
    .command('view')
    .description('Show a deployment: status, cost, model, endpoint, API key, autoscaling, workers.')
    .argument('<id>', 'deployment id')
    .addOption(json)
    .addHelpText('after', '\nExample:\n  sgi infer view 3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41')
    .action(runWith((c, id: string, o: commands.CommonOptions) => commands.view(c, id, o)));

  infer
    .command('start')
    .description('Start a deployment that was scaled to zero (INACTIVE). Starts paid GPUs.')
    .argument('<id>', 'deployment id')
    .addOption(json)
    .addHelpText(
      'after',
      '\nExample:\n  sgi infer start 3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41 && sgi infer wait 3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41',
    )
    .action(runWith((c, id: string, o: commands.CommonOptions) => commands.start(c, id, o)));

  for (const action of ['stop', 'delete'] as const) {
    infer
      .command(action)
      .description(
        action === 'stop'
          ? 'Stop a deployment: scale it to zero workers, so no GPU is billed.'
          : 'Delete a deployment.',
      )
      .argument('<id>', 'deployment id')
      .option('--force', 'do not wait for requests in flight')
      .addOption(yes)
      .addOption(json)
      .addHelpText('after', `\nExample:\n  sgi infer ${action} 3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41 --yes`)
      .action(runWith((c, id: string, o: commands.DestroyOptions) => commands.destroy(c, action, id, o)));
  }

  infer
    .command('wait')
    .description('Wait until a deployment is ACTIVE (exit code 4 if it fails or the deadline passes).')
    .argument('<id>', 'deployment id')
    .addOption(waitTimeout)
    .addOption(pollInterval)
    .addOption(json)
    .addHelpText('after', '\nExample:\n  sgi infer wait 3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41 --timeout 30m')
    .action(runWith((c, id: string, o: commands.WaitCommandOptions) => commands.wait(c, id, o)));

  return program;
}

/** Options of {@link run}. */
export interface RunOptions {
  /** Aborts the command (Ctrl-C): a wait stops, a watch ends. */
  signal?: AbortSignal;
}

/**
 * Runs `sgi` with `argv` (the arguments after the program name) and resolves with its exit code:
 * 0 done, 1 API error, 2 usage, 3 not found, 4 failed or timed out while waiting, 130 interrupted.
 * Never throws and never exits the process: the `sgi` bin sets `process.exitCode` from it.
 */
export async function run(argv: readonly string[], io: CliIO, options: RunOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  let code: ExitCodeValue = ExitCode.ok;
  const json = argv.includes('--json');
  const out = new Output(io, json);
  try {
    const program = buildProgram({ out, signal }, (c) => {
      code = c;
    });
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0; commander has printed the message.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (signal.aborted && (error as Error)?.name === 'APIUserAbortError') {
      io.stderr.write('interrupted\n');
      return ExitCode.interrupted;
    }
    const exit = exitCodeOf(error);
    if (json) io.stderr.write(`${JSON.stringify(errorDocument(error))}\n`);
    else {
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`${out.err.red('error:')} ${message}\n`);
      if (error instanceof UsageError) for (const line of error.details) io.stderr.write(`  ${line}\n`);
      else if (error instanceof Error && 'errors' in error && Array.isArray(error.errors)) {
        for (const e of error.errors as Array<{ field: string; message: string }>)
          io.stderr.write(`  ${e.field}: ${e.message}\n`);
      }
    }
    return exit;
  }
}
