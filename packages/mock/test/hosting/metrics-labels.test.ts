/**
 * Metrics label each request from a closed set (the spec's operations, the sandbox's own routes, and
 * `other`), so that no caller, anonymous or not, can add series: a scrape stays the same size however many
 * distinct paths are sent.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MockServer } from '../../src/index.js';
import { startSandbox } from '../support/sandbox.js';

let mock: MockServer;

beforeAll(async () => {
  mock = await startSandbox({ auth: 'keys', adminToken: 'operator-secret-0123456789', metricsPort: 0 });
});
afterAll(() => mock.close());

/** The distinct `route` labels of one scrape. */
async function routes(): Promise<Set<string>> {
  const text = await (await fetch(mock.metricsUrl as string)).text();
  return new Set([...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1] as string));
}

it('counts unknown paths, anonymous or not, under one label: no request adds a series', async () => {
  const paths = (i: number) => [
    `/__sandbox/probe-${i}`,
    `/__sandbox/admin/${i}`,
    `/nothing-here/${i}`,
    `/sg_inf/${i}/scale/sideways`,
  ];
  for (let i = 0; i < 60; i++) {
    await Promise.all(
      paths(i).map((path) =>
        fetch(`${mock.url}${path}`, { headers: { Authorization: `Bearer anonymous-${i}` } }).then((r) =>
          r.arrayBuffer(),
        ),
      ),
    );
  }
  await fetch(`${mock.url}/__sandbox/health`).then((r) => r.arrayBuffer());
  await fetch(`${mock.url}/sg_inf/list`).then((r) => r.arrayBuffer());
  const labels = await routes();
  expect([...labels].filter((l) => /probe|nothing|sideways|\d/.test(l))).toEqual([]);
  expect(labels).toContain('other');
  expect(labels).toContain('GET /__sandbox/health');
  expect(labels).toContain('GET /sg_inf/list');
  // A closed set: the spec's few operations, the sandbox's routes and `other`.
  expect(labels.size).toBeLessThan(20);
});
