import { type MockServer, startMockServer } from '@sgi/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exitCode, formatTable, runConformance } from '../src/index.js';

let mock: MockServer;
let quirky: MockServer;
beforeAll(async () => {
  const options = { mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 } as const;
  [mock, quirky] = await Promise.all([
    startMockServer(options),
    // The sandbox answering as production does today: what a run against production should find.
    startMockServer({ ...options, productionQuirks: true }),
  ]);
});
afterAll(() => Promise.all([mock?.close(), quirky?.close()]));

it('finds nothing against the sandbox, writes allowed, and leaves nothing behind', async () => {
  const token = 'conformance-sandbox-token';
  const report = await runConformance({
    baseUrl: mock.url,
    token,
    allowWrites: true,
    pollIntervalMs: 10,
    readyTimeoutMs: 20_000,
  });
  expect(report.findings, formatTable(report)).toEqual([]);
  expect(report.checks.map((c) => c.name)).toEqual(
    expect.arrayContaining([
      'list',
      'get of an id that does not exist',
      'list without a token',
      'list with a wrong token',
      'create with an invalid body',
      'lifecycle: create',
      'lifecycle: stop',
      'lifecycle: start',
      'lifecycle: delete',
    ]),
  );
  expect(report.created.length).toBe(1);
  expect(report.leftBehind).toEqual([]);
  expect(exitCode(report)).toBe(0);
  const list = await fetch(`${mock.url}/sg_inf/list`, { headers: { Authorization: `Bearer ${token}` } });
  expect((await list.json()).message).toEqual([]);
});

it("finds exactly the known drifts against the sandbox playing production's quirks back, and no new one", async () => {
  const report = await runConformance({
    baseUrl: quirky.url,
    token: 'conformance-quirks-token',
    allowWrites: true,
    pollIntervalMs: 10,
    readyTimeoutMs: 20_000,
  });
  const known = [...new Set(report.findings.map((f) => f.knownDrift))].sort();
  expect(known, formatTable(report)).toEqual([
    'get-bare-object',
    'get-not-found-204',
    'list-bare-array',
    'list-empty-204',
  ]);
  expect(report.leftBehind).toEqual([]);
  expect(exitCode(report), formatTable(report)).toBe(0);
});
