#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadKnownDrift } from './drift.js';
import { checkEndpoint } from './endpoint.js';
import { exitCode, formatJUnit, formatTable } from './report.js';
import { cheapestCreateBody, runConformance } from './run.js';

/** The `sgi-conformance --help` text. */
export const HELP = `Usage: sgi-conformance --base-url <url> [options]

Checks a live ScaleGenAI Inference API server against the spec and reports every difference.
The token comes from SCALEGEN_TOKEN (never from the command line, where other users could see it).

Options:
  --base-url <url>        the server to check (required)
  --allow-writes          also create, stop, start and delete one deployment: costs money
  --known-drift <file>    accepted differences (default: the known-drift file of @sgi/spec)
  --no-known-drift        accept no difference
  --junit <file>          also write the report as JUnit XML
  --timeout-ms <n>        time limit of one call (default 30000)
  --ready-timeout-ms <n>  lifecycle: how long to wait for each status (default 1800000)
  --poll-interval-ms <n>  lifecycle: time between two polls (default 5000)
  --endpoint <link>       also check a deployment's model endpoint, read-only (GET link/inference/v1/models),
                          against the endpoint's spec; its key comes from SCALEGEN_ENDPOINT_KEY
  -h, --help              show this help

Exit code: 0 when nothing but warnings and known drift, 1 on new drift (or a deployment left
behind), 2 on bad usage.
`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a whole number of milliseconds (got '${value}').`);
  return n;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: process.argv.slice(2),
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        'allow-writes': { type: 'boolean' },
        'known-drift': { type: 'string' },
        'no-known-drift': { type: 'boolean' },
        junit: { type: 'string' },
        'timeout-ms': { type: 'string' },
        'ready-timeout-ms': { type: 'string' },
        'poll-interval-ms': { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  }
  let options: Parameters<typeof runConformance>[0];
  try {
    values = parse();
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const baseUrl = values['base-url'];
    if (!baseUrl) throw new Error('--base-url is required.');
    if (!/^https?:\/\//.test(baseUrl))
      throw new Error(`--base-url must be an http(s) URL (got '${baseUrl}').`);
    const endpoint = values.endpoint;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint))
      throw new Error(
        `--endpoint must be the deployment's link, an http(s) URL (got '${endpoint.slice(0, 200)}').`,
      );
    if (endpoint !== undefined && !process.env.SCALEGEN_ENDPOINT_KEY)
      throw new Error("Set SCALEGEN_ENDPOINT_KEY to the deployment's API key to check its endpoint.");
    const token = process.env.SCALEGEN_TOKEN;
    if (!token) throw new Error('Set SCALEGEN_TOKEN to a bearer token of the account to check with.');
    options = {
      baseUrl,
      token,
      allowWrites: values['allow-writes'] ?? false,
      knownDrift: values['no-known-drift'] ? [] : loadKnownDrift(values['known-drift']),
      timeoutMs: numberFlag('timeout-ms', values['timeout-ms']),
      readyTimeoutMs: numberFlag('ready-timeout-ms', values['ready-timeout-ms']),
      pollIntervalMs: numberFlag('poll-interval-ms', values['poll-interval-ms']),
    };
  } catch (error) {
    process.stderr.write(`sgi-conformance: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }

  if (options.allowWrites) {
    const body = cheapestCreateBody('sgi-conformance-...');
    process.stderr.write(
      `sgi-conformance: --allow-writes: this creates a real deployment on ${options.baseUrl} and costs money while it runs:\n` +
        `  ${JSON.stringify(body)}\n` +
        '  It is deleted at the end, also on failure or Ctrl-C (a second Ctrl-C stops at once and may leave it behind).\n',
    );
  }
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`sgi-conformance: ${signal}: stopping, deleting what this run created...\n`);
      controller.abort();
    } else {
      process.stderr.write(
        `sgi-conformance: ${signal} again: stopping now; check for deployments named sgi-conformance-*.\n`,
      );
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const report = await runConformance({
    ...options,
    signal: controller.signal,
    onProgress: (line) => process.stderr.write(`sgi-conformance: ${line}\n`),
  });
  if (values.endpoint) {
    const checked = await checkEndpoint({
      link: values.endpoint,
      apiKey: process.env.SCALEGEN_ENDPOINT_KEY ?? '',
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    report.checks.push(checked);
    report.findings.push(...checked.findings);
  }
  process.stdout.write(formatTable(report));
  if (values.junit) writeFileSync(values.junit, formatJUnit(report));
  if (report.interrupted) return 130;
  return exitCode(report);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sgi-conformance: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
