/**
 * Production's known drifts (`@sgi/spec`'s `known-drift.yaml`), read and matched in one place for every
 * tool that meets production's answers: the validating proxy here and the conformance run import this
 * module, so that both accept the same entries, match them the same way and look inside a known bare
 * answer the same way. It is the package's `@sgi/mock/drift` entry point, apart from the main one, so
 * that the sandbox starts without the YAML parser.
 */
import { readFileSync } from 'node:fs';
import { knownDriftPath } from '@sgi/spec';
import { parse } from 'yaml';

/** The kinds of difference from the spec a drift entry (or a conformance finding) can be. */
export type DriftKind =
  | 'status'
  | 'media-type'
  | 'envelope'
  | 'schema'
  | 'new-enum-value'
  | 'header'
  | 'behaviour'
  | 'unreachable';

/** Every {@link DriftKind}. */
export const DRIFT_KINDS: readonly DriftKind[] = [
  'status',
  'media-type',
  'envelope',
  'schema',
  'new-enum-value',
  'header',
  'behaviour',
  'unreachable',
];

/** One reviewed, accepted difference between a server and the spec. */
export interface KnownDrift {
  id: string;
  /** An operationId, or `*` for any operation. */
  operation: string;
  status?: number;
  kind: DriftKind;
  /** JSON pointer into the body; when absent, any. */
  pointer?: string;
  reason: string;
}

/** What a drift entry is matched against: a difference seen on one answer. */
export interface DriftCandidate {
  operation: string;
  kind: DriftKind;
  status?: number;
  pointer?: string;
}

/**
 * Reads a known-drift file (YAML, `drifts: [...]`; by default the one `@sgi/spec` ships) and checks
 * each entry, naming the entry and the field of any that is malformed.
 */
export function loadKnownDrift(path: string = knownDriftPath): KnownDrift[] {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the known-drift file ${path}: ${(error as Error).message}`);
  }
  return checkKnownDrift(parsed, path);
}

/** Checks the parsed content of a known-drift file (see {@link loadKnownDrift}). */
export function checkKnownDrift(parsed: unknown, path: string): KnownDrift[] {
  const drifts = (parsed as { drifts?: unknown } | null)?.drifts;
  if (!Array.isArray(drifts)) throw new Error(`The known-drift file ${path} has no \`drifts:\` list`);
  const seen = new Set<string>();
  return drifts.map((entry, index) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `${path}: drifts[${index}]${typeof e.id === 'string' ? ` (${e.id})` : ''}`;
    const fail = (field: string, what: string) => new Error(`${where}: \`${field}\` ${what}`);
    if (typeof e.id !== 'string' || e.id === '') throw fail('id', 'must be a non-empty string');
    if (seen.has(e.id)) throw fail('id', 'is used by an earlier entry');
    seen.add(e.id);
    if (typeof e.operation !== 'string' || e.operation === '')
      throw fail('operation', 'must be an operationId or *');
    if (!DRIFT_KINDS.includes(e.kind as DriftKind))
      throw fail('kind', `must be one of ${DRIFT_KINDS.join(', ')}`);
    if (e.status !== undefined && !Number.isInteger(e.status))
      throw fail('status', 'must be an HTTP status code');
    if (
      e.pointer !== undefined &&
      (typeof e.pointer !== 'string' || (e.pointer !== '' && !e.pointer.startsWith('/')))
    )
      throw fail('pointer', 'must be a JSON pointer ("" or starting with /)');
    if (typeof e.reason !== 'string' || e.reason.trim() === '')
      throw fail('reason', 'must say why the difference is accepted');
    return {
      id: e.id,
      operation: e.operation,
      kind: e.kind as DriftKind,
      reason: e.reason,
      ...(e.status !== undefined ? { status: e.status as number } : {}),
      ...(e.pointer !== undefined ? { pointer: e.pointer as string } : {}),
    };
  });
}

/** The entry that accepts a difference: every field the entry gives must be equal. */
export function matchDrift(found: DriftCandidate, drifts: readonly KnownDrift[]): KnownDrift | undefined {
  return drifts.find(
    (d) =>
      (d.operation === '*' || d.operation === found.operation) &&
      d.kind === found.kind &&
      (d.status === undefined || d.status === found.status) &&
      (d.pointer === undefined || d.pointer === found.pointer),
  );
}

/** Whether a JSON body is a bare result rather than the `{"success": ..., "message": ...}` envelope. */
export function isBareResult(body: unknown): boolean {
  return !(body !== null && typeof body === 'object' && !Array.isArray(body) && 'success' in body);
}

/** A bare result put back into the envelope the spec describes, so that what is inside can be validated. */
export function wrapBareResult(body: unknown): { success: true; message: unknown } {
  return { success: true, message: body };
}

/** A pointer into the wrapped body (`/message/status`), as a pointer into the bare body (`/status`). */
export function unwrappedPointer(pointer: string): string {
  return pointer.replace(/^\/message(?=\/|$)/, '');
}

/**
 * When a success answer is a bare result and a known drift accepts that (an `envelope` entry for its
 * operation and status at the body's root), the drift and the envelope to validate in its place: the
 * answer is known drift, and what it carries is still checked against the spec.
 */
export function knownBareAnswer(
  operation: string,
  status: number,
  body: unknown,
  drifts: readonly KnownDrift[],
): { drift: KnownDrift; wrapped: { success: true; message: unknown } } | undefined {
  if (status < 200 || status > 299 || body === undefined || !isBareResult(body)) return undefined;
  const drift = matchDrift({ operation, kind: 'envelope', status, pointer: '' }, drifts);
  return drift ? { drift, wrapped: wrapBareResult(body) } : undefined;
}
