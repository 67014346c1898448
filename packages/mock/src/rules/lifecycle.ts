import type { DeploymentRecord, SandboxTimings, Status } from '../sandbox/store/types.js';

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
 * once the provision delay has passed; an `ACTIVE` deployment that scales to zero (`idleTimeoutMs`)
 * becomes `INACTIVE` once that long has passed without a call to its endpoint (its cost added up to
 * then); `DELETING` becomes gone (undefined) after the delete delay. A pure function of the record and
 * `now` (the tenant's sandbox time), so every replica computes the same status from the same record.
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
  if (d.status === 'ACTIVE' && d.idleTimeoutMs !== undefined) {
    const idleAt = Math.max(d.since, d.lastCallAt ?? d.since) + d.idleTimeoutMs;
    if (now >= idleAt) d = applyTransition(d, 'INACTIVE', idleAt);
  }
  if (d.status === 'DELETING' && now >= d.since + timings.deleteDelayMs) return undefined;
  return d;
}

/**
 * The idle time a deployment's settings ask for: `autoscaling_config.scale_to_zero_timeout_sec` (in ms)
 * when `autoscaling_config.scale_to_zero` is on, else undefined (it never scales to zero by itself).
 */
export function idleTimeoutOf(settings: Json): number | undefined {
  const autoscaling = (settings.autoscaling_config ?? {}) as Json;
  if (autoscaling.scale_to_zero !== true) return undefined;
  const seconds = autoscaling.scale_to_zero_timeout_sec;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : 1_800_000;
}

/**
 * How often a call to a deployment's endpoint is written down as its last call at most: calls closer
 * together than this keep the one before (a scale-to-zero timeout is measured to within this much).
 */
export const CALL_RECORD_GRAIN_MS = 1000;

/** Whether a call at `now` to this (settled, `ACTIVE`) deployment must be written down as its last call. */
export function callWorthRecording(d: DeploymentRecord, now: number): boolean {
  return (
    d.status === 'ACTIVE' &&
    d.idleTimeoutMs !== undefined &&
    now - Math.max(d.since, d.lastCallAt ?? d.since) >= CALL_RECORD_GRAIN_MS
  );
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

/**
 * A settled deployment as the API returns it, at `now` (the record's own sandbox time, `clockAt`, when
 * the store gave one). `link` gives an `ACTIVE` deployment's endpoint base URL.
 */
export function view(
  d: DeploymentRecord,
  userId: string,
  clock: number,
  link: (id: string) => string = (id) => `https://${id}.sandbox.invalid`,
): Json {
  const active = d.status === 'ACTIVE';
  const now = d.clockAt ?? clock;
  return {
    ...(JSON.parse(d.settings) as Json),
    id: d.id,
    user_id: userId,
    status: d.status,
    current_price_per_hour: active ? d.pricePerHour : 0,
    cost: active ? round(d.cost + (d.pricePerHour * (now - d.since)) / 3_600_000) : d.cost,
    last_cost_updated_time: active ? iso(now) : d.costUpdatedAt === null ? null : iso(d.costUpdatedAt),
    timestamp: iso(d.createdAt),
    link: active ? link(d.id) : null,
    end_time: d.endTime === null ? null : iso(d.endTime),
    metadata: d.status === 'FAILED' ? { failure_reason: FAILURE_REASON } : {},
  };
}
