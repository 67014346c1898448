import { randomUUID } from 'node:crypto';
import { loadSpec } from '@sgi/spec';
import { describe, expect, inject, it } from 'vitest';

/** The request of the original documentation's curl example, as the spec records it. */
const seedBody = JSON.stringify(
  (loadSpec().components.examples as Record<string, { value: unknown }>).CreateRequestSeed?.value,
);

/** Raw HTTP against the sandbox with a token of its own. */
function http() {
  const base = inject('mockUrl');
  const headers = { Authorization: `Bearer e2e-raw-${randomUUID()}`, 'Content-Type': 'application/json' };
  return async (method: string, path: string, body?: string) => {
    const res = await fetch(`${base}${path}`, { method, headers, body });
    return { status: res.status, body: await res.json() };
  };
}

async function poll<T>(fn: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await fn();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition never met');
}

describe('the whole life of a deployment over raw HTTP', () => {
  it('create -> ACTIVE -> get -> list -> stop -> start -> delete -> 404', async () => {
    const call = http();
    const created = await call('POST', '/sg_inf/create', seedBody);
    expect(created).toMatchObject({
      status: 200,
      body: { success: true, message: { inf_id: expect.any(String) } },
    });
    const id = created.body.message.inf_id;

    const active = await poll(
      () => call('GET', `/sg_inf/${id}`),
      (r) => r.body.message.status !== 'PROVISIONING',
    );
    expect(active.body.message).toMatchObject({ id, status: 'ACTIVE' });

    expect((await call('GET', '/sg_inf/list')).body.message.map((d: { id: string }) => d.id)).toEqual([id]);
    expect((await call('POST', `/sg_inf/${id}/scale/zero`)).status).toBe(200);
    expect((await call('GET', `/sg_inf/${id}`)).body.message.status).toBe('INACTIVE');
    expect((await call('POST', `/sg_inf/${id}/scale/up`)).status).toBe(200);
    await poll(
      () => call('GET', `/sg_inf/${id}`),
      (r) => r.body.message.status === 'ACTIVE',
    );

    expect((await call('DELETE', `/sg_inf/${id}`)).status).toBe(200);
    const gone = await poll(
      () => call('GET', `/sg_inf/${id}`),
      (r) => r.status !== 200,
    );
    expect(gone).toEqual({
      status: 404,
      body: {
        success: false,
        message: `Deployment ${id} was not found.`,
        request_id: expect.stringMatching(/^req_[0-9a-f]{32}$/),
      },
    });
  });
});
