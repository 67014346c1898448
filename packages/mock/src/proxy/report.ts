import type { PrismViolation } from '../violations.js';

/** One violation of the spec seen by the validating proxy: one JSON line of its report. */
export interface ProxyViolation {
  time: string;
  /** The answer's `X-Request-Id`, or the proxy's own number for the exchange. */
  requestId: string;
  /** The spec operation, or null when no operation matches the request. */
  operation: string | null;
  method: string;
  path: string;
  /** The upstream's status (or 422 when `--strict` refused the request). */
  status: number;
  direction: 'request' | 'response';
  /** Where: `body`, `query`, `path`, `header`, or `security` for credentials. */
  location: string;
  /** JSON pointer into the body (or the parameter's name after the location). */
  pointer: string;
  message: string;
  /** The `known-drift.yaml` entry that accepts this difference (production's reviewed drift), when one does. */
  knownDrift?: string;
}

const escapeKey = (k: string) => k.replaceAll('~', '~0').replaceAll('/', '~1');

/** Prism's violation as a report line (without the exchange's facts). */
export function describeViolation(
  v: PrismViolation,
): Pick<ProxyViolation, 'direction' | 'location' | 'pointer' | 'message'> {
  const location = (Array.isArray(v.location) ? v.location : []).map(String);
  // Prism leaves the side off some request violations, and every location off a security one.
  const direction = location[0] === 'response' ? 'response' : 'request';
  const rest = location[0] === 'request' || location[0] === 'response' ? location.slice(1) : location;
  const where =
    rest[0] ?? (v.code === 401 || /security|credential|auth/i.test(v.message) ? 'security' : 'body');
  const pointer = rest.length > 1 ? `/${rest.slice(1).map(escapeKey).join('/')}` : '';
  return { direction, location: where, pointer, message: String(v.message ?? '') };
}

/**
 * Removes secrets from a line: each given value (the bearer token, an `hf_token`), wherever it appears,
 * becomes `[redacted]`. Values shorter than 4 characters are left alone (they would blank out words).
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

/** Counts violations by operation and direction, for the summary printed on exit. */
export class ProxySummary {
  exchanges = 0;
  refused = 0;
  private readonly counts = new Map<string, number>();

  add(v: ProxyViolation): void {
    const key = `${v.operation ?? `${v.method} ${v.path}`} ${v.direction}${v.knownDrift ? ` (known drift ${v.knownDrift})` : ''}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get violations(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  /** A few lines for people. */
  format(): string {
    const lines = [
      `sgi-mock proxy: ${this.exchanges} exchanges, ${this.violations} violations${this.refused ? `, ${this.refused} requests refused (--strict)` : ''}.`,
    ];
    for (const [key, n] of [...this.counts].sort((a, b) => b[1] - a[1])) lines.push(`  ${n}  ${key}`);
    return `${lines.join('\n')}\n`;
  }
}
