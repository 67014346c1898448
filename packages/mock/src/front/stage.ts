import type { FieldError } from '../errors.js';

/**
 * A stage's refusal of a request: the status, and the message (and field errors) of the spec's error
 * envelope it is answered with. The layer that runs the stages sends it.
 */
export interface Refusal {
  status: number;
  message: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Why the request was refused, for the access log and the metrics (`unauthorized`, `rate_limit`...). */
  reason?: string;
  /** Runs once the refusal is sent (e.g. reads and throws away the rest of a body too large). */
  after?: () => void;
}

/** A stage that answered the request itself (a probe, the admin API, a sandbox route): nothing more to do. */
export const ANSWERED = Symbol('answered');

/** What a stage decides: refuse the request, say it answered it itself, or pass it on (undefined). */
export type Verdict = Refusal | typeof ANSWERED | undefined;

/** One stage of the front door: a name (as the README's list of refusals gives it) and its one check. */
export interface Stage<Call> {
  readonly name: string;
  readonly run: (call: Call) => Verdict | Promise<Verdict>;
}

/** Builds a {@link Refusal}. */
export function refuse(
  status: number,
  message: string,
  more: Omit<Refusal, 'status' | 'message'> = {},
): Refusal {
  return { status, message, ...more };
}

/**
 * Runs `stages` in order on one request until one of them refuses it or answers it; undefined when every
 * stage passed it on. A stage that decides at once costs no extra turn of the event loop.
 */
export async function runStages<Call>(
  stages: readonly Stage<Call>[],
  call: Call,
): Promise<Refusal | typeof ANSWERED | undefined> {
  for (const stage of stages) {
    let verdict = stage.run(call);
    if (verdict instanceof Promise) verdict = await verdict;
    if (verdict !== undefined) return verdict;
  }
  return undefined;
}
