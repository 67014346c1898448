import { readFileSync } from 'node:fs';
import { knownDriftPath } from '@sgi/spec';
import { parse } from 'yaml';
import type { Finding, FindingKind } from './findings.js';

/** One reviewed, accepted difference between a server and the spec. */
export interface KnownDrift {
  id: string;
  /** An operationId, or `*` for any operation. */
  operation: string;
  status?: number;
  kind: FindingKind;
  /** JSON pointer into the body; when absent, any. */
  pointer?: string;
  reason: string;
}

const KINDS: FindingKind[] = [
  'status',
  'media-type',
  'envelope',
  'schema',
  'new-enum-value',
  'header',
  'behaviour',
  'unreachable',
];

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
    if (!KINDS.includes(e.kind as FindingKind)) throw fail('kind', `must be one of ${KINDS.join(', ')}`);
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
      kind: e.kind as FindingKind,
      reason: e.reason,
      ...(e.status !== undefined ? { status: e.status as number } : {}),
      ...(e.pointer !== undefined ? { pointer: e.pointer as string } : {}),
    };
  });
}

/** The entry that accepts a finding: every field the entry gives must be equal. */
export function matchDrift(finding: Finding, drifts: readonly KnownDrift[]): KnownDrift | undefined {
  return drifts.find(
    (d) =>
      (d.operation === '*' || d.operation === finding.operation) &&
      d.kind === finding.kind &&
      (d.status === undefined || d.status === finding.status) &&
      (d.pointer === undefined || d.pointer === finding.pointer),
  );
}
