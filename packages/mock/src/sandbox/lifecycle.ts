import type { DeploymentRecord, SandboxTimings, Status } from './store/types.js';

type Json = Record<string, unknown>;

/** Why a deployment asked to fail (`X-Sandbox-Outcome: fail`) is `FAILED`, in its `metadata`. */
export const FAILURE_REASON =
  'Provisioning failed: the create request asked the sandbox for it (X-Sandbox-Outcome: fail).';

const iso = (ms: number) => new Date(ms).toISOString();
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** A made-up hourly price, so that `current_price_per_hour` and `cost` move like the real ones. */
export function priceOf(settings: Json): number {
  const workers = (settings.initial_worker_config ?? {}) as Json;
  const gpus = typeof workers.initial_workers_gpu_num === 'number' ? workers.initial_workers_gpu_num : 1;
  const count = typeof workers.min_workers === 'number' ? Math.max(1, workers.min_workers) : 1;
  return round(Math.max(1, gpus) * count * 1.5);
}

/**
 * A stored deployment brought up to date with the clock: `PROVISIONING` becomes `ACTIVE` (or `FAILED`)
 * once the provision delay has passed; `DELETING` becomes gone (undefined) after the delete delay. A pure
 * function of the record and `now`, so every replica computes the same status from the same record.
 */
export function settle(
  record: DeploymentRecord,
  now: number,
  timings: SandboxTimings,
): DeploymentRecord | undefined {
  let d = record;
  if (d.status === 'PROVISIONING' && now >= d.since + timings.provisionDelayMs) {
    const since = d.since + timings.provisionDelayMs;
    d = { ...d, status: d.fails ? 'FAILED' : 'ACTIVE', since, endTime: d.fails ? since : d.endTime };
  }
  if (d.status === 'DELETING' && now >= d.since + timings.deleteDelayMs) return undefined;
  return d;
}

/** The record after moving a (settled) deployment to `to` at `now`: cost added up when it leaves `ACTIVE`. */
export function applyTransition(d: DeploymentRecord, to: Status, now: number): DeploymentRecord {
  const leavingActive = d.status === 'ACTIVE';
  return {
    ...d,
    status: to,
    since: now,
    endTime: to === 'PROVISIONING' ? null : now,
    cost: leavingActive ? round(d.cost + (d.pricePerHour * (now - d.since)) / 3_600_000) : d.cost,
    costUpdatedAt: leavingActive ? now : d.costUpdatedAt,
  };
}

/** The rule a transition keeps, as the 409 message states it. */
export const TRANSITION_RULES = {
  stop: {
    from: ['ACTIVE', 'PROVISIONING'],
    to: 'INACTIVE',
    rule: 'only an ACTIVE or PROVISIONING deployment can be stopped',
  },
  start: { from: ['INACTIVE'], to: 'PROVISIONING', rule: 'only an INACTIVE deployment can be started' },
  delete: {
    from: ['PROVISIONING', 'ACTIVE', 'INACTIVE', 'FAILED'],
    to: 'DELETING',
    rule: 'it is already being deleted',
  },
} as const satisfies Record<string, { from: readonly Status[]; to: Status; rule: string }>;

/** A settled deployment as the API returns it. */
export function view(d: DeploymentRecord, userId: string, now: number): Json {
  const active = d.status === 'ACTIVE';
  return {
    ...(JSON.parse(d.settings) as Json),
    id: d.id,
    user_id: userId,
    status: d.status,
    current_price_per_hour: active ? d.pricePerHour : 0,
    cost: active ? round(d.cost + (d.pricePerHour * (now - d.since)) / 3_600_000) : d.cost,
    last_cost_updated_time: active ? iso(now) : d.costUpdatedAt === null ? null : iso(d.costUpdatedAt),
    timestamp: iso(d.createdAt),
    link: active ? `https://${d.id}.sandbox.invalid` : null,
    end_time: d.endTime === null ? null : iso(d.endTime),
    metadata: d.status === 'FAILED' ? { failure_reason: FAILURE_REASON } : {},
  };
}
