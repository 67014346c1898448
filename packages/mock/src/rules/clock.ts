/**
 * The sandbox clock: each tenant's deployments live on a clock of their own, real time plus an offset
 * that only moves forward (`POST /__sandbox/clock`), so that minutes-to-hours behaviour (provisioning,
 * scale to zero, the delete delay, cost) can be rehearsed in seconds. Tenants themselves (their expiry,
 * rate windows, request logs) keep real time.
 */

/** The most one move may advance the clock by, in seconds (30 days). */
export const MAX_ADVANCE_SECONDS = 30 * 24 * 3600;

/** The furthest a tenant's clock may run ahead of real time, in ms (10 years). */
export const MAX_OFFSET_MS = 10 * 365 * 24 * 3600 * 1000;

/** A problem with a `{"advance_seconds": n}` body, naming the field; undefined when it is valid. */
export function advanceProblem(body: unknown): { field: string; message: string; code: string } | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { field: 'body', message: 'must be a JSON object {"advance_seconds": n}', code: 'type' };
  const extra = Object.keys(body).find((key) => key !== 'advance_seconds');
  if (extra !== undefined)
    return {
      field: extra.slice(0, 100),
      message: 'is not a field of this request (only advance_seconds is)',
      code: 'unknown_field',
    };
  const value = (body as { advance_seconds?: unknown }).advance_seconds;
  if (value === undefined) return { field: 'advance_seconds', message: 'is required', code: 'required' };
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { field: 'advance_seconds', message: 'must be a number of seconds', code: 'type' };
  if (value <= 0 || value > MAX_ADVANCE_SECONDS)
    return {
      field: 'advance_seconds',
      message: `must be more than 0 and at most ${MAX_ADVANCE_SECONDS} (30 days); the clock only moves forward`,
      code: 'range',
    };
  return undefined;
}

/** The clock as `GET /__sandbox/clock` shows it. */
export function clockView(now: number, offsetMs: number) {
  return { now: new Date(now + offsetMs).toISOString(), offset_seconds: offsetMs / 1000 };
}
