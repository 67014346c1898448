import { describe, expect, expectTypeOf, inject, it } from 'vitest';
import {
  AuthenticationError,
  type CreatedDeployment,
  createClient,
  type InferenceDeployment,
  type InferenceDeploymentCreate,
  NotFoundError,
  RateLimitError,
  rawClient,
  UnprocessableEntityError,
} from '../src/index.js';

// Every method against the mock API: Prism serving the bundled spec's examples (`@sgi/mock`, static mode).
const baseUrl = inject('mockUrl');
const client = createClient({ baseUrl, token: 'test-token', maxRetries: 0, logLevel: 'off' });
const ID = '3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41';
const body: InferenceDeploymentCreate = {
  name: 'bge-embeddings',
  model: 'BAAI/bge-large-en-v1.5',
  inf_type: 'embedding',
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};

describe('inference methods against the mock API', () => {
  it('create resolves with the new id', async () => {
    const created = await client.inference.create(body);
    expectTypeOf(created).toEqualTypeOf<CreatedDeployment>();
    expect(created.inf_id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/);
  });

  it('list resolves with the deployments', async () => {
    const list = await client.inference.list();
    expectTypeOf(list).toEqualTypeOf<InferenceDeployment[]>();
    expect(list.length).toBeGreaterThan(0);
    for (const d of list)
      expect(d.status).toMatch(/^(PROVISIONING|ACTIVE|INACTIVE|FAILED|DELETING|DELETED)$/);
  });

  it('get resolves with the deployment', async () => {
    const d = await client.inference.get(ID);
    expectTypeOf(d).toEqualTypeOf<InferenceDeployment>();
    expect(d).toMatchObject({ id: ID, status: 'ACTIVE', inf_type: 'llm' });
    expect(d.link).toMatch(/^https:\/\//);
  });

  it('delete, start and stop resolve with the API message', async () => {
    const deleted = await client.inference.delete(ID, { force: true });
    const started = await client.inference.start(ID);
    const stopped = await client.inference.stop(ID, { force: false });
    expectTypeOf(deleted).toEqualTypeOf<string>();
    expect(deleted).toMatch(/deleted/);
    expect(started).toMatch(/starting/);
    expect(stopped).toMatch(/scaling to zero/);
  });

  it('withResponse gives the Response and its request id along with the result', async () => {
    const { data, response, requestId } = await client.inference.withResponse.get(ID);
    expect(response.status).toBe(200);
    expect(data.id).toBe(ID);
    expect(requestId).toBe(response.headers.get('x-request-id') ?? undefined);
  });

  it('waitUntilReady resolves at once with an ACTIVE deployment', async () => {
    const seen: string[] = [];
    const d = await client.inference.waitUntilReady(ID, { onStatus: (s) => seen.push(s) });
    expect(d.status).toBe('ACTIVE');
    expect(seen).toEqual(['ACTIVE']);
  });

  it('a 404 is a NotFoundError naming the operation', async () => {
    const err = await client.inference.get(ID, { headers: { Prefer: 'code=404' } }).catch((e) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/^inference\.get failed with HTTP 404: Deployment .* was not found\./);
  });

  it('an invalid body is an UnprocessableEntityError listing the fields', async () => {
    const bad = {
      ...body,
      autoscaling_config: { scale_to_zero_timeout_sec: 'soon' },
    } as unknown as typeof body;
    const err = await client.inference.create(bad).catch((e) => e);
    expect(err).toBeInstanceOf(UnprocessableEntityError);
    expect(err.errors.map((f: { field: string }) => f.field)).toContain(
      'autoscaling_config.scale_to_zero_timeout_sec',
    );
    expect(err.message).toMatch(
      /^inference\.create failed with HTTP 422: .*\(autoscaling_config\.scale_to_zero_timeout_sec: must be [^)]*\)/,
    );
  });

  it('a 429 with Retry-After is a RateLimitError once retries are spent', async () => {
    const err = await client.inference.list({ headers: { Prefer: 'code=429' } }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
  });

  it('a request without credentials is an AuthenticationError', async () => {
    const anonymous = createClient({
      baseUrl,
      headers: { authorization: '' },
      maxRetries: 0,
      logLevel: 'off',
    });
    await expect(anonymous.inference.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('rawClient reaches every operation through openapi-fetch with the same credentials', async () => {
    const raw = rawClient(client);
    const { data, error, response } = await raw.GET('/sg_inf/{inference_id}', {
      params: { path: { inference_id: ID } },
    });
    expect(response.status).toBe(200);
    expect(error).toBeUndefined();
    expect(data?.message.id).toBe(ID);
  });
});
