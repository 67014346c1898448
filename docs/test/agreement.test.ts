import { readFileSync } from 'node:fs';
import { type MockServer, startMockServer } from '@sgi/mock';
import { loadSpec } from '@sgi/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guidePage } from '../src/guides.js';
import { readPage } from './support/site.js';

/**
 * What the guides and the reference say the API does, checked against what the sandbox does: a
 * reader who follows the docs against the sandbox meets what the docs promised.
 */

/** Parsed JSON, read without a schema of its own. */
// biome-ignore lint/suspicious/noExplicitAny: JSON read field by field, checked by the assertions
type Json = any;
const spec = loadSpec() as unknown as {
  components: {
    schemas: Record<string, Json>;
    examples: Record<string, Json>;
    responses: Record<string, Json>;
  };
};
const schemas = spec.components.schemas;
const guideText = (slug: string) =>
  readPage(guidePage(slug))
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ');
const markdown = (slug: string) =>
  readFileSync(new URL(`../guides/${slug}.md`, import.meta.url), 'utf8').replace(/\s+/g, ' ');

let mock: MockServer;
beforeAll(async () => {
  // The sandbox as a reader starts it: its default delays.
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0 });
});
afterAll(() => mock?.close());

async function call(method: string, path: string, token: string, body?: unknown, headers = {}) {
  const response = await fetch(`${mock.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const minimal = {
  name: 'agreement',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

async function create(token: string, extra: Record<string, unknown> = {}, headers = {}) {
  const created = await call('POST', '/sg_inf/create', token, { ...minimal, ...extra }, headers);
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return created.body.message.inf_id as string;
}

describe('the deprecated latency fields', () => {
  it('are read as the thresholds, as the reference and the changelog say', async () => {
    const id = await create('agreement-latency', {
      autoscaling_config: { upper_allowed_latency_sec: 3, lower_allowed_latency_sec: 0.5 },
    });
    const got = await call('GET', `/sg_inf/${id}`, 'agreement-latency');
    expect(got.body.message.autoscaling_config).toMatchObject({
      upper_allowed_threshold: 3,
      lower_allowed_threshold: 0.5,
      upper_allowed_latency_sec: 3,
      lower_allowed_latency_sec: 0.5,
    });
    const described = schemas.AutoscalingConfig.properties.upper_allowed_latency_sec.description;
    expect(described).toMatch(/Read as `upper_allowed_threshold` when that is not sent/);
    expect(guideText('changelog')).toMatch(
      /as upper_allowed_threshold \/ lower_allowed_threshold when those are not sent/,
    );
  });

  it('lose to the thresholds when both are sent', async () => {
    const id = await create('agreement-latency', {
      autoscaling_config: { upper_allowed_latency_sec: 3, upper_allowed_threshold: 7 },
    });
    const got = await call('GET', `/sg_inf/${id}`, 'agreement-latency');
    expect(got.body.message.autoscaling_config).toMatchObject({
      upper_allowed_threshold: 7,
      upper_allowed_latency_sec: 7,
    });
  });
});

describe("another account's deployment", () => {
  it('answers 404, and the docs say 404 wherever they speak of it', async () => {
    const id = await create('agreement-owner');
    for (const [method, path] of [
      ['GET', `/sg_inf/${id}`],
      ['DELETE', `/sg_inf/${id}`],
      ['POST', `/sg_inf/${id}/scale/zero`],
    ] as const) {
      expect((await call(method, path, 'agreement-stranger')).status, `${method} ${path}`).toBe(404);
    }
    // The 403 the reference documents is about a permission, never about someone else's deployment.
    const forbidden = JSON.stringify(spec.components.examples.Forbidden);
    expect(forbidden).not.toMatch(/3f6c1c2e|deployment [0-9a-f-]{8}/);
    expect(spec.components.responses.Forbidden.description).toMatch(/another account answers 404/);
    expect(spec.components.responses.NotFound.description).toMatch(/another/);
    expect(guideText('authentication')).toMatch(/belongs to another account answers 404/);
    expect(guideText('authentication')).not.toMatch(/may not touch a deployment gets 403/);
  });
});

describe('the testing guide', () => {
  it('tells how to make a deployment fail, and the sandbox does as told', async () => {
    expect(guideText('testing')).toContain('X-Sandbox-Outcome: fail');
    expect(guideText('testing')).toContain('metadata.failure_reason');
    const id = await create('agreement-fail', {}, { 'x-sandbox-outcome': 'fail' });
    const deadline = Date.now() + 10_000;
    let got = await call('GET', `/sg_inf/${id}`, 'agreement-fail');
    while (got.body.message.status !== 'FAILED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      got = await call('GET', `/sg_inf/${id}`, 'agreement-fail');
    }
    expect(got.body.message.status).toBe('FAILED');
    expect(got.body.message.metadata.failure_reason).toMatch(/\S/);
    // ...and the reference documents the field.
    const deployment = JSON.stringify(schemas.InferenceDeployment);
    expect(deployment).toMatch(/"failure_reason":\{"type":"string"/);
  });

  it('says a deleted deployment is DELETING before get answers 404', async () => {
    const id = await create('agreement-delete');
    expect((await call('DELETE', `/sg_inf/${id}`, 'agreement-delete')).status).toBe(200);
    const right = await call('GET', `/sg_inf/${id}`, 'agreement-delete');
    expect(right.status).toBe(200);
    expect(right.body.message.status).toBe('DELETING');
    expect(guideText('testing')).toMatch(/DELETING for 1 second before get answers 404/);
  });
});

describe('the errors guide', () => {
  const text = markdown('errors-and-retries');

  it('shows an error the API could send: the bound its example names is the real one', () => {
    const field = text.match(/"field": "autoscaling_config\.(\w+)"/)?.[1];
    const bound = Number(text.match(/"message": "must be at least (\d+)"/)?.[1]);
    expect(field).toBeDefined();
    const prop = schemas.AutoscalingConfig.properties[field ?? ''];
    const target = prop.$ref ? schemas[prop.$ref.split('/').pop()] : prop;
    expect(bound).toBe(target.minimum);
  });

  it('lists every status an operation documents', () => {
    const statuses = new Set<string>();
    for (const item of Object.values(loadSpec().paths)) {
      for (const op of Object.values(item as Record<string, { responses?: object }>)) {
        for (const status of Object.keys(op?.responses ?? {})) if (status !== '200') statuses.add(status);
      }
    }
    expect(statuses.size).toBeGreaterThan(5);
    for (const status of statuses) expect(text, status).toContain(`| \`${status}\` |`);
  });

  it('does not promise a request_id on every error (the schema makes it optional)', () => {
    expect(schemas.ErrorResponse.required).not.toContain('request_id');
    expect(text).toMatch(/Not every error has one/);
  });
});

describe('the getting-started guide', () => {
  const text = markdown('getting-started');

  it('gives curl readers a create and a get, calls the model, and says the snippets need ESM', () => {
    expect(text).toMatch(/curl https:\/\/prod-api\.scalegen\.ai\/sg_inf\/create/);
    expect(text).toMatch(/curl https:\/\/prod-api\.scalegen\.ai\/sg_inf\/\$INF_ID/);
    expect(text).toMatch(/curl "\$LINK\/inference/);
    expect(text).toMatch(/top-level `await`, which needs an ES module/);
    expect(text).toMatch(/does not define how it authenticates/);
  });
});
