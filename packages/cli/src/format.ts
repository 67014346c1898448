import { deploymentEndpoint, type InferenceDeployment } from '@sgi/client';
import type { Colors } from 'picocolors/types.js';
import { UsageError } from './errors.js';
import { statusColour } from './output.js';

/** Statuses in which a deployment runs (or is about to) on paid GPUs. */
export const RUNNING = new Set(['ACTIVE', 'PROVISIONING']);

const money = (n: number | null | undefined) => (typeof n === 'number' ? `$${n.toFixed(2)}` : '-');

/** The columns of `sgi infer list`, as the real CLI has them (id, name, model, spot, price per hour, status). */
export const LIST_HEAD = ['id', 'name', 'model', 'spot', 'price/h', 'status'];

/** One row of `sgi infer list`. */
export function listRow(c: Colors, d: InferenceDeployment): string[] {
  return [
    d.id,
    d.name,
    d.model,
    d.allow_spot_instances ? 'yes' : 'no',
    money(d.current_price_per_hour),
    statusColour(c, d.status),
  ];
}

/**
 * The deployment's inference endpoint, as the real CLI shows it: `link + "/inference"`, and for an
 * embedding model its `/inference/embed` route; none while the deployment has no `link`.
 */
export function endpointOf(d: Pick<InferenceDeployment, 'link' | 'inf_type'>): string | undefined {
  if (!d.link) return undefined;
  const base = `${d.link.replace(/\/+$/, '')}/inference`;
  return d.inf_type === 'embedding' ? `${base}/embed` : base;
}

/** A duration in seconds as people say it: `90s`, `30m`, `2h`. */
const seconds = (s: number | null | undefined) =>
  typeof s !== 'number' ? '-' : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;

/** `sgi infer view`: the panel of the real CLI (status, cost, model, endpoint, API key, autoscaling, workers). */
export function viewPanel(c: Colors, d: InferenceDeployment): string {
  const w = d.initial_worker_config;
  const a = d.autoscaling_config;
  const endpoint = endpointOf(d);
  const gpu = w?.initial_workers_gpu
    ? `${w.initial_workers_gpu} x${w.initial_workers_gpu_num ?? 1}${w.use_other_gpus ? ' (other GPUs allowed)' : ''}`
    : 'chosen by the service';
  const controller = d.controller_cloud_config
    ? `${d.controller_cloud_config.cloud_provider} ${d.controller_cloud_config.region}`
    : d.controller_on_prem_config
      ? `on premises (${d.controller_on_prem_config.on_prem_node_id ?? 'any node'})`
      : '-';
  const rows: Array<[string, string]> = [
    ['Status', statusColour(c, d.status)],
    ['Cost', `${money(d.cost)} so far, ${money(d.current_price_per_hour)}/h now`],
    ['Model', `${d.model} (${d.inf_type}, ${d.engine})`],
    ['Endpoint', endpoint ?? c.dim('none while the deployment is not ACTIVE')],
    // The OpenAI-compatible base URL, as `deploymentEndpoint` of @sgi/client gives it (no key is read here).
    ...(d.link
      ? ([['OpenAI base', deploymentEndpoint(d, 'unused').baseURL]] as Array<[string, string]>)
      : []),
    ['API key', `the account secret AUTH_ENDPOINT_KEY_${d.id}`],
    [
      'Autoscaling',
      a
        ? `${a.autoscaling_strategy ?? 'ttft_latency_sec'}, ${
            a.scale_to_zero
              ? `scales to zero after ${seconds(a.scale_to_zero_timeout_sec)} idle`
              : 'never to zero'
          }`
        : '-',
    ],
    ['Workers', w ? `${w.min_workers ?? 0} to ${w.max_workers ?? '-'}, GPU ${gpu}` : '-'],
    ['Spot', d.allow_spot_instances ? 'allowed' : 'not allowed'],
    ['Controller', controller],
    ['Created', d.timestamp],
  ];
  if (d.status === 'FAILED') {
    const reason = (d.metadata as Record<string, unknown> | undefined)?.failure_reason;
    if (typeof reason === 'string') rows.push(['Failure', c.red(reason)]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `${c.bold(d.name)} ${c.dim(d.id)}`,
    ...rows.map(([k, v]) => `  ${c.dim(k.padEnd(width))}  ${v}`),
  ].join('\n');
}

/**
 * Reads a duration flag: `90s`, `30m`, `2h`, `500ms`, or a bare number of seconds; `0` means none.
 * Throws a usage error naming the flag otherwise.
 */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: '${text}' is not a duration (examples: 90s, 30m, 2h)`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(n * unit);
}
