import type { Finding } from './findings.js';
import type { ConformanceReport } from './run.js';

/** The findings that fail a run: errors that no known-drift entry accepts. */
export function newDrift(report: ConformanceReport): Finding[] {
  return report.findings.filter((f) => f.severity === 'error' && !f.knownDrift);
}

/** The exit code for CI: 0 when nothing but warnings and known drifts, 1 on new drift or what was left behind. */
export function exitCode(report: ConformanceReport): number {
  return newDrift(report).length > 0 || report.leftBehind.length > 0 || report.interrupted ? 1 : 0;
}

function label(f: Finding): string {
  if (f.knownDrift) return `known (${f.knownDrift})`;
  return f.severity === 'error' ? 'FAIL' : 'WARN';
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The report as a table for people, one row per finding (or per check when it found nothing), and a summary. */
export function formatTable(report: ConformanceReport): string {
  const rows: string[][] = [['result', 'check', 'operation', 'status', 'kind', 'pointer', 'message']];
  for (const check of report.checks) {
    if (check.findings.length === 0) rows.push(['ok', check.name, check.operation, '', '', '', '']);
    for (const f of check.findings) {
      rows.push([
        label(f),
        check.name,
        f.operation,
        String(f.status || '-'),
        f.kind,
        f.pointer || '(body)',
        clip(f.message, 100),
      ]);
    }
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const errors = newDrift(report).length;
  const warnings = report.findings.filter((f) => f.severity === 'warning' && !f.knownDrift).length;
  const known = report.findings.filter((f) => f.knownDrift).length;
  out.push('');
  out.push(
    `${report.checks.length} checks against ${report.baseUrl}: ${errors} new drift, ${warnings} warnings, ${known} known drift.`,
  );
  if (report.created.length > 0)
    out.push(
      `Created ${report.created.length} deployment(s); left behind: ${report.leftBehind.length === 0 ? 'none' : report.leftBehind.join(', ')}.`,
    );
  if (report.interrupted) out.push('The run was interrupted before its end.');
  return `${out.join('\n')}\n`;
}

const xml = (s: string) =>
  s
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
    )
    // Characters XML 1.0 cannot carry (control characters but tab, newline and carriage return).
    .replace(/[^\t\n\r\u0020-\u{10ffff}]/gu, '');

/**
 * The report as JUnit XML for CI: one test case per check, failed by its new drift; warnings and
 * known drifts in the case's `system-out`.
 */
export function formatJUnit(report: ConformanceReport): string {
  const failures = report.checks.filter((c) =>
    c.findings.some((f) => f.severity === 'error' && !f.knownDrift),
  ).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sgi-conformance" tests="${report.checks.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="sgi-conformance ${xml(report.baseUrl)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="0">`,
  ];
  const describe = (f: Finding) =>
    `${f.operation} ${f.status || '-'} ${f.kind} ${f.pointer || '(body)'}: ${f.message}${f.requestId ? ` [request ${f.requestId}]` : ''}${f.knownDrift ? ` [known drift ${f.knownDrift}]` : ''}`;
  for (const check of report.checks) {
    lines.push(`    <testcase classname="${xml(check.operation)}" name="${xml(check.name)}">`);
    const errors = check.findings.filter((f) => f.severity === 'error' && !f.knownDrift);
    if (errors.length > 0) {
      lines.push(
        `      <failure message="${xml(`${errors.length} difference(s) from the spec`)}" type="drift">${xml(errors.map(describe).join('\n'))}</failure>`,
      );
    }
    const rest = check.findings.filter((f) => !errors.includes(f));
    if (rest.length > 0) lines.push(`      <system-out>${xml(rest.map(describe).join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
