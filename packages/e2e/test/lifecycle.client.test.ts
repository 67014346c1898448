import { randomUUID } from 'node:crypto';
import {
  type ClientSettings,
  ConflictError,
  createClient,
  DeploymentFailedError,
  type DeploymentStatus,
  type InferenceDeploymentCreate,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  UnprocessableEntityError,
} from '@sgi/client';
import { loadSpec } from '@sgi/spec';
import { beforeAll, describe, expect, inject, it } from 'vitest';

/** The request of the original documentation's curl example, as the spec records it. */
const seedBody = (loadSpec().components.examples as Record<string, { value: InferenceDeploymentCreate }>)
  .CreateRequestSeed?.value as InferenceDeploymentCreate;

/** The sandboxes the client runs against: the contract, and production's known drifts played back. */
const targets = [
  { against: 'the contract', url: 'mockUrl', notFound: 404 },
  { against: "production's known drifts (bare bodies, 204s)", url: 'mockQuirksUrl', notFound: 204 },
] as const;
let target: (typeof targets)[number] = targets[0];

/** A client of the sandbox under test with a token of its own: a tenant no other test sees. */
function sandboxClient(options: ClientSettings = {}) {
  return createClient({
    baseUrl: inject(target.url),
    token: `e2e-${randomUUID()}`,
    logLevel: 'off',
    ...options,
  });
}

/** Polls `get` until it rejects with `NotFoundError` (the sandbox removes a deleted deployment after a delay). */
async function waitUntilGone(client: ReturnType<typeof createClient>, id: string): Promise<unknown> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const d = await client.inference.get(id);
      expect(d.status).toBe('DELETING');
    } catch (error) {
      return error;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`deployment ${id} was never removed`);
}

describe.each(targets)('the whole life of a deployment through @sgi/client, against $against', (each) => {
  beforeAll(() => {
    target = each;
  });

  it('create -> waitUntilReady -> get -> list -> stop -> start -> delete -> get gives NotFoundError', async () => {
    const client = sandboxClient();
    const { inf_id: id } = await client.inference.create(seedBody);

    const seen: DeploymentStatus[] = [];
    const ready = await client.inference.waitUntilReady(id, { interval: 50, onStatus: (s) => seen.push(s) });
    expect(ready).toMatchObject({ id, status: 'ACTIVE', name: 'llama-70b-dep', engine: 'vllm' });
    expect(seen.at(-1)).toBe('ACTIVE');
    expect(seen.every((s) => s === 'PROVISIONING' || s === 'ACTIVE')).toBe(true);

    const got = await client.inference.get(id);
    // An ACTIVE deployment's link is its model endpoint, served by the sandbox itself.
    expect(got.link).toBe(`${inject(target.url)}/deployments/${id}`);
    // The seed sends the deprecated latency fields and their thresholds: the thresholds win, and the
    // deprecated fields come back equal to them.
    const scaling = { ...seedBody.autoscaling_config };
    scaling.upper_allowed_latency_sec = scaling.upper_allowed_threshold;
    scaling.lower_allowed_latency_sec = scaling.lower_allowed_threshold;
    expect(got.autoscaling_config).toMatchObject(scaling);
    expect(got).not.toHaveProperty('hf_token');

    const listed = await client.inference.list();
    expect(listed.map((d) => d.id)).toEqual([id]);

    expect(await client.inference.stop(id)).toBe(`Deployment ${id} is scaling to zero.`);
    expect((await client.inference.get(id)).status).toBe('INACTIVE');

    expect(await client.inference.start(id)).toBe(`Deployment ${id} is starting.`);
    expect((await client.inference.waitUntilReady(id, { interval: 50 })).status).toBe('ACTIVE');

    expect(await client.inference.delete(id)).toBe(`Deployment ${id} is being deleted.`);
    const error = await waitUntilGone(client, id);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).status).toBe(target.notFound);
    expect(await client.inference.list()).toEqual([]);
  });

  it('waitUntilReady rejects with DeploymentFailedError when provisioning fails', async () => {
    const client = sandboxClient();
    const { inf_id: id } = await client.inference.create(seedBody, {
      headers: { 'X-Sandbox-Outcome': 'fail' },
    });
    const error = await client.inference.waitUntilReady(id, { interval: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect((error as DeploymentFailedError).deployment).toMatchObject({
      id,
      status: 'FAILED',
      metadata: { failure_reason: expect.stringContaining('Provisioning failed') },
    });
    expect(await client.inference.delete(id)).toBe(`Deployment ${id} is being deleted.`);
  });

  it('surfaces an illegal transition as ConflictError with the sandbox message', async () => {
    const client = sandboxClient();
    const { inf_id: id } = await client.inference.create(seedBody);
    await client.inference.waitUntilReady(id, { interval: 50 });
    const error = await client.inference.start(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain(
      `is ACTIVE; only an INACTIVE deployment can be started`,
    );
    expect((error as ConflictError).requestId).toMatch(/^req_/);
  });

  it('surfaces invalid fields as UnprocessableEntityError naming each field', async () => {
    const client = sandboxClient();
    const error = await client.inference
      // Invalid on purpose: the types would refuse it, so it goes through `unknown`.
      .create({
        ...seedBody,
        inf_type: 'chat',
        initial_worker_config: { max_workers: -1 },
      } as unknown as typeof seedBody)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect((error as UnprocessableEntityError).errors.map((e) => e.field).sort()).toEqual([
      'inf_type',
      'initial_worker_config.max_workers',
    ]);
  });

  it('retries sandbox chaos (429/503 with Retry-After) and succeeds, or gives up with the typed error', async () => {
    const patient = sandboxClient({
      headers: { 'X-Sandbox-Chaos': '0.5' },
      maxRetries: 20,
      backoff: { maxRetryAfter: 5 },
    });
    for (let i = 0; i < 5; i++) expect(await patient.inference.list()).toEqual([]);

    const impatient = sandboxClient({ headers: { 'X-Sandbox-Chaos': '1' }, maxRetries: 0 });
    const error = await impatient.inference.list().catch((e: unknown) => e);
    expect(error instanceof RateLimitError || error instanceof InternalServerError).toBe(true);
    expect([429, 503]).toContain((error as RateLimitError).status);
  });
});
