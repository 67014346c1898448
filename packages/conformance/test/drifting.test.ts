import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceReport,
  formatJUnit,
  formatTable,
  loadKnownDrift,
  runConformance,
} from '../src/index.js';
import { exitCode } from '../src/report.js';
import { type DriftingServer, startDriftingServer } from './support/drifting-server.js';

const fast = { token: 'drift-token', pollIntervalMs: 1, readyTimeoutMs: 5000, timeoutMs: 10_000 };
const pick = (report: ConformanceReport) =>
  report.findings.map((f) => ({
    operation: f.operation,
    status: f.status,
    kind: f.kind,
    pointer: f.pointer,
    knownDrift: f.knownDrift,
  }));

let server: DriftingServer;
let known: ConformanceReport;
let none: ConformanceReport;

beforeAll(async () => {
  server = await startDriftingServer({
    bareGet: true,
    bareList: true,
    notFound204: true,
    plainText500OnInvalidCreate: true,
    extraFields: true,
    wrongTypeCost: true,
    undocumentedStatusWithoutToken: true,
    missingTimestampInList: true,
    stopSaysFailure: true,
    newGpuType: true,
  });
  known = await runConformance({ ...fast, baseUrl: server.url, allowWrites: true });
  none = await runConformance({ ...fast, baseUrl: server.url, allowWrites: true, knownDrift: [] });
});
afterAll(() => server.close());

describe('against a server that drifts from the spec', () => {
  it("reports each of production's known quirks as a known drift, with its operation and pointer", () => {
    const found = pick(known);
    expect(found).toContainEqual({
      operation: 'getInferenceDeployment',
      status: 200,
      kind: 'envelope',
      pointer: '',
      knownDrift: 'get-bare-object',
    });
    expect(found).toContainEqual({
      operation: 'listInferenceDeployments',
      status: 200,
      kind: 'envelope',
      pointer: '',
      knownDrift: 'list-bare-array',
    });
    expect(found).toContainEqual({
      operation: 'getInferenceDeployment',
      status: 204,
      kind: 'status',
      pointer: '',
      knownDrift: 'get-not-found-204',
    });
  });

  it('reports each new drift as an error with its operation and pointer', () => {
    const errors = known.findings.filter((f) => f.severity === 'error' && !f.knownDrift);
    const found = errors.map((f) => `${f.operation} ${f.status} ${f.kind} ${f.pointer}`);
    expect(found).toContain('getInferenceDeployment 200 schema /cost');
    expect(found).toContain('listInferenceDeployments 400 status ');
    expect(found).toContain('listInferenceDeployments 200 schema /0/timestamp');
    expect(found).toContain('stopInferenceDeployment 200 schema /success');
    expect(found).toContain('listInferenceDeployments 400 behaviour ');
    expect(exitCode(known)).toBe(1);
  });

  it('reports a new enum value as a warning of its own kind', () => {
    const warnings = known.findings.filter((f) => f.kind === 'new-enum-value');
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) {
      expect(w.severity).toBe('warning');
      expect(w.pointer).toMatch(/^(\/0)?\/initial_worker_config\/initial_workers_gpu$/);
      expect(w.message).toContain('"B300"');
    }
  });

  it('does not report what the spec documents: a plain-text 500', () => {
    expect(known.findings.filter((f) => f.status === 500)).toEqual([]);
    expect(server.creates.some((b) => (b as { inf_type?: string }).inf_type === 'not-a-type')).toBe(true);
  });

  it('does not report fields the spec does not know', () => {
    const pointers = known.findings.map((f) => f.pointer);
    expect(pointers.some((p) => p.includes('region_label') || p.includes('burst'))).toBe(false);
  });

  it('without the known-drift file, the known quirks are errors too', () => {
    expect(none.findings.filter((f) => f.knownDrift)).toEqual([]);
    const errors = none.findings
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.operation} ${f.status} ${f.kind}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        'getInferenceDeployment 200 envelope',
        'listInferenceDeployments 200 envelope',
        'getInferenceDeployment 204 status',
      ]),
    );
    // Exactly the listed ones are silenced: the same findings, with or without the file.
    expect(none.findings.length).toBe(known.findings.length);
  });

  it('deletes what it created, and refuses nothing it should not', () => {
    expect(known.created.length).toBe(1);
    expect(known.leftBehind).toEqual([]);
    expect(server.live()).toEqual([]);
  });

  it('writes a table and JUnit XML naming each finding', () => {
    const table = formatTable(known);
    expect(table).toMatch(/known \(get-bare-object\)\s+get of a listed id|known \(get-bare-object\)/);
    expect(table).toMatch(/FAIL\s+.*getInferenceDeployment\s+200\s+schema\s+\/cost/);
    expect(table).toMatch(/WARN\s+.*new-enum-value\s+\/initial_worker_config\/initial_workers_gpu/);
    const xml = formatJUnit(known);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sgi-conformance" tests="\d+" failures="[1-9]\d*"/,
    );
    expect(xml).toContain('<failure message=');
    expect(xml).toContain('getInferenceDeployment 200 schema /cost');
    expect(xml).toContain('[known drift get-bare-object]');
  });

  it('never writes the token into the report', () => {
    expect(formatTable(known)).not.toContain(fast.token);
    expect(formatJUnit(known)).not.toContain(fast.token);
    expect(JSON.stringify(known)).not.toContain(fast.token);
  });
});

describe('the known-drift file', () => {
  it('silences only an exact match: another pointer or status is still new drift', async () => {
    const drifts = loadKnownDrift().map((d) =>
      d.id === 'get-bare-object' ? { ...d, pointer: '/message' } : d,
    );
    const report = await runConformance({
      ...fast,
      baseUrl: server.url,
      allowWrites: true,
      knownDrift: drifts,
    });
    const bare = report.findings.find(
      (f) => f.operation === 'getInferenceDeployment' && f.kind === 'envelope',
    );
    expect(bare).toMatchObject({ severity: 'error' });
    expect(bare?.knownDrift).toBeUndefined();
  });
});
