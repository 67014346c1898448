import { readFileSync } from 'node:fs';
import { knownDriftPath } from '@sgi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { client, expectDocumented } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const minimal = {
  name: 'bge-embeddings',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};
const PRODUCTION = { 'X-Sandbox-Quirks': 'production' };
const CONTRACT = { 'X-Sandbox-Quirks': 'none' };
const MISSING = '00000000-0000-4000-8000-000000000000';

/** The ids of the drift file's entries (`  - id: get-bare-object`). */
const driftIds = [...readFileSync(knownDriftPath, 'utf8').matchAll(/^\s*- id: ([\w-]+)\s*$/gm)].map(
  (m) => m[1] as string,
);

let mock: MockServer;
let quirky: MockServer;

beforeAll(async () => {
  [mock, quirky] = await Promise.all([startSandbox(), startSandbox({ productionQuirks: true })]);
}, 120_000);
afterAll(() => Promise.all([mock?.close(), quirky?.close()]));

describe("production's known drifts, played back on request", () => {
  it('plays back every drift the drift file lists, and no other', async () => {
    const { PRODUCTION_QUIRKS } = await import('../src/quirks.js');
    expect(driftIds.length).toBeGreaterThan(0);
    expect(Object.keys(PRODUCTION_QUIRKS).sort()).toEqual([...driftIds].sort());
  });

  it('X-Sandbox-Quirks: production answers as production does, per drift', async () => {
    const call = client(mock.url, 'quirks-per-call');
    // list-empty-204: no deployments is 204 with no body.
    const empty = await call('GET', '/sg_inf/list', { headers: PRODUCTION });
    expect(empty.status).toBe(204);
    expect(empty.body).toBe('');
    // get-not-found-204: a missing deployment is 204 too.
    const missing = await call('GET', `/sg_inf/${MISSING}`, { headers: PRODUCTION });
    expect(missing.status).toBe(204);
    expect(missing.body).toBe('');

    const created = await call('POST', '/sg_inf/create', { body: minimal, headers: PRODUCTION });
    expect(created.status).toBe(200);
    const id = created.body.message.inf_id as string;
    // get-bare-object: the deployment itself, no envelope.
    const got = await call('GET', `/sg_inf/${id}`, { headers: PRODUCTION });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, name: minimal.name, model: minimal.model });
    expect(got.body).not.toHaveProperty('success');
    // list-bare-array: the array itself.
    const listed = await call('GET', '/sg_inf/list', { headers: PRODUCTION });
    expect(listed.status).toBe(200);
    expect(Array.isArray(listed.body)).toBe(true);
    expect(listed.body.map((d: { id: string }) => d.id)).toEqual([id]);
    // Operations without a known drift keep to the contract.
    const stopped = await call('POST', `/sg_inf/${id}/scale/zero`, { headers: PRODUCTION });
    expectDocumented('POST', `/sg_inf/${id}/scale/zero`, stopped);
    expect(stopped.status).toBe(200);
  });

  it('keeps to the contract without the header, and with X-Sandbox-Quirks: none', async () => {
    const call = client(mock.url, 'quirks-none');
    for (const headers of [{}, CONTRACT]) {
      const list = await call('GET', '/sg_inf/list', { headers });
      expectDocumented('GET', '/sg_inf/list', list);
      expect(list.body).toEqual({ success: true, message: [] });
      const missing = await call('GET', `/sg_inf/${MISSING}`, { headers });
      expectDocumented('GET', `/sg_inf/${MISSING}`, missing);
      expect(missing.status).toBe(404);
    }
  });

  it('--production-quirks makes production the default, and X-Sandbox-Quirks: none turns it off for one call', async () => {
    const call = client(quirky.url, 'quirks-flag');
    expect((await call('GET', '/sg_inf/list')).status).toBe(204);
    const contract = await call('GET', '/sg_inf/list', { headers: CONTRACT });
    expect(contract.body).toEqual({ success: true, message: [] });
    // Errors stay the contract's: an invalid create is still a 422 in the envelope.
    const invalid = await call('POST', '/sg_inf/create', { body: { ...minimal, inf_type: 'video' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ success: false });
  });

  it('answers an X-Sandbox-Quirks value that means nothing with 400 naming the header', async () => {
    const call = client(mock.url, 'quirks-bad');
    const answer = await call('GET', '/sg_inf/list', { headers: { 'X-Sandbox-Quirks': 'staging' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, request_id: expect.any(String) });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'X-Sandbox-Quirks', code: 'enum' }),
    ]);
  });

  it('lets a browser send X-Sandbox-Quirks (CORS preflight)', async () => {
    const res = await fetch(`${mock.url}/sg_inf/list`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:4011',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization, x-sandbox-quirks',
      },
    });
    expect(res.headers.get('access-control-allow-headers') ?? '').toMatch(/X-Sandbox-Quirks/i);
  });
});
