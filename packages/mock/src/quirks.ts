/**
 * Production's known drifts, played back on request: for each entry of `@sgi/spec`'s `known-drift.yaml`,
 * how the real server answers today where it differs from the contract. With `--production-quirks` (or
 * `X-Sandbox-Quirks: production` on one call) a partner's integration meets the behaviour it will meet in
 * production, from an answer the spec guard has already checked against the contract.
 */

/** An answer on its way to the caller: its status and its JSON body (undefined when it has none). */
export interface QuirkAnswer {
  status: number;
  body: unknown;
}

/** One drift of production: the operation it concerns and how it turns the contract's answer into production's. */
interface Quirk {
  operationId: string;
  /** Production's answer for this contract answer, or undefined when the drift does not apply to it. */
  apply(answer: QuirkAnswer): QuirkAnswer | undefined;
}

const message = (body: unknown): unknown => (body as { message?: unknown } | null)?.message;

/**
 * Each drift by its `id` in `known-drift.yaml`, in the order they apply (a 204 before the bare body).
 * The test suite fails when the drift file names one that is not here.
 */
export const PRODUCTION_QUIRKS: Readonly<Record<string, Quirk>> = {
  'get-not-found-204': {
    operationId: 'getInferenceDeployment',
    apply: (a) => (a.status === 404 ? { status: 204, body: undefined } : undefined),
  },
  'list-empty-204': {
    operationId: 'listInferenceDeployments',
    apply: (a) => {
      const list = message(a.body);
      return a.status === 200 && Array.isArray(list) && list.length === 0
        ? { status: 204, body: undefined }
        : undefined;
    },
  },
  'get-bare-object': {
    operationId: 'getInferenceDeployment',
    apply: (a) => (a.status === 200 ? { status: 200, body: message(a.body) } : undefined),
  },
  'list-bare-array': {
    operationId: 'listInferenceDeployments',
    apply: (a) => (a.status === 200 ? { status: 200, body: message(a.body) } : undefined),
  },
};

/** The values of `X-Sandbox-Quirks`: `production` plays production's drifts back, `none` keeps to the contract. */
export const QUIRK_MODES = ['production', 'none'] as const;

/** Production's answer to an operation's contract answer: the first drift that applies, or undefined for none. */
export function productionAnswer(operationId: string, answer: QuirkAnswer): QuirkAnswer | undefined {
  for (const quirk of Object.values(PRODUCTION_QUIRKS)) {
    if (quirk.operationId !== operationId) continue;
    const changed = quirk.apply(answer);
    if (changed) return changed;
  }
  return undefined;
}
