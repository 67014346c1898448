import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { deref, errorsOf, operations, validatorFor } from './support/schema.js';

const baseUrl = inject('prismUrl');
const seedBody = readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8');
const auth = { Authorization: 'Bearer test-token' };
const ID = 'test_job_id';

/** A concrete URL for an operation's path template. */
const urlFor = (path: string) => `${baseUrl}${path.replace('{inference_id}', ID)}`;

/** The documented schema of a response status of an operation. */
function responseSchema(op: Record<string, unknown>, status: number): unknown {
  const response = deref<{ content: Record<string, { schema: unknown }> }>(
    (op.responses as Record<string, unknown>)[String(status)],
  );
  return response.content['application/json']?.schema;
}

describe('Prism serves the bundle', () => {
  it.each(operations())(
    '$method $path answers 200 with a body valid against the spec',
    async ({ path, method, op }) => {
      const res = await fetch(urlFor(path), {
        method: method.toUpperCase(),
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: method === 'post' && path.endsWith('/create') ? seedBody : undefined,
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(errorsOf(validatorFor(responseSchema(op, 200)), body)).toEqual([]);
      expect(body.success).toBe(true);
    },
  );

  it('routes /sg_inf/list to the list operation, not to get with id "list"', async () => {
    const res = await fetch(`${baseUrl}/sg_inf/list`, { headers: auth });
    expect(res.status).toBe(200);
    expect(Array.isArray((await res.json()).message)).toBe(true);
  });

  it('does not take "create" for a deployment id', async () => {
    const res = await fetch(`${baseUrl}/sg_inf/create`, { headers: auth });
    expect(res.status).not.toBe(200);
    expect(res.status).toBeGreaterThanOrEqual(400);
  });

  it.each(operations())('$method $path without a bearer token gets 401', async ({ path, method, op }) => {
    const res = await fetch(urlFor(path), {
      method: method.toUpperCase(),
      headers: { 'Content-Type': 'application/json' },
      body: method === 'post' && path.endsWith('/create') ? seedBody : undefined,
    });
    expect(res.status).toBe(401);
    expect(errorsOf(validatorFor(responseSchema(op, 401)), await res.json())).toEqual([]);
  });

  it('rejects a bad create body with a 4xx error envelope and names the field', async () => {
    const body = { ...JSON.parse(seedBody), inf_type: 'chat' };
    const res = await fetch(`${baseUrl}/sg_inf/create`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).success).toBe(false);
    expect(res.headers.get('sl-violations')).toContain('inf_type');
  });

  it('forces a documented 429 with Retry-After through the Prefer header', async () => {
    const res = await fetch(`${baseUrl}/sg_inf/${ID}`, { headers: { ...auth, Prefer: 'code=429' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
