import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractViolation, MockServer } from '../../src/index.js';
import { scalingToZero, seedBody, tenantOf } from '../support/endpoint.js';
import { startSandbox } from '../support/sandbox.js';

const violations: ContractViolation[] = [];
let mock: MockServer;
let slow: MockServer;
const MODEL = String(seedBody.model);
const ask = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hello?' }] };

beforeAll(async () => {
  mock = await startSandbox({ onContractViolation: (v) => violations.push(v) });
  // Provisioning and deleting as slowly as the real service: only the sandbox clock moves them on.
  slow = await startSandbox({
    provisionDelayMs: 600_000,
    deleteDelayMs: 120_000,
    onContractViolation: (v) => violations.push(v),
  });
});
afterAll(async () => {
  await Promise.all([mock.close(), slow.close()]);
  expect(violations).toEqual([]);
});

describe('the whole journey, with sandbox time', () => {
  it('create, call, idle past the scale-to-zero timeout: INACTIVE and 503, start, call again, delete, 404', async () => {
    const partner = tenantOf(mock.url, 'journey-token');
    const id = await partner.create(scalingToZero(1800));
    const active = await partner.until(id, 'ACTIVE');
    const link = active.link as string;
    const openai = partner.openai(link);
    expect((await openai.chat.completions.create(ask)).choices[0]?.message.content).toBeTruthy();

    // A call within the timeout resets the idle time.
    expect((await partner.advance(1700)).status).toBe(200);
    await openai.models.list();
    await partner.advance(1700);
    expect((await partner.get(id)).body.message.status).toBe('ACTIVE');

    await partner.advance(101);
    const idle = (await partner.get(id)).body.message;
    expect(idle.status).toBe('INACTIVE');
    expect(idle.link).toBeNull();
    expect(idle.current_price_per_hour).toBe(0);
    // The cost accrued over the sandbox time it was ACTIVE: 3,500 s (and the real seconds the test took).
    expect(idle.cost).toBeCloseTo((active.current_price_per_hour * 3500) / 3600, 1);
    const inactive = await openai.chat.completions.create(ask, { maxRetries: 0 }).catch((e: unknown) => e);
    expect(inactive).toBeInstanceOf(OpenAI.InternalServerError);
    expect((inactive as APIError).status).toBe(503);
    expect((inactive as APIError).headers?.get('retry-after')).toMatch(/^\d+$/);
    expect((inactive as APIError).message).toContain(`POST /sg_inf/${id}/scale/up`);

    expect((await partner.raw('POST', `/sg_inf/${id}/scale/up`)).status).toBe(200);
    await partner.until(id, 'ACTIVE');
    expect((await openai.chat.completions.create(ask)).choices).toHaveLength(1);

    expect((await partner.raw('DELETE', `/sg_inf/${id}`)).status).toBe(200);
    await expect(openai.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('provisioning, the delete delay and cost follow the clock; one tenant never moves another', async () => {
    const partner = tenantOf(slow.url, 'slow-token');
    const other = tenantOf(slow.url, 'other-token');
    const id = await partner.create(seedBody);
    const theirs = await other.create(seedBody);
    const link = `${slow.url}/deployments/${id}`;
    const provisioning = await partner
      .openai(link)
      .models.list({ maxRetries: 0 })
      .catch((e: unknown) => e);
    expect((provisioning as APIError).status).toBe(503);
    expect(Number((provisioning as APIError).headers?.get('retry-after'))).toBeGreaterThan(500);

    const moved = await partner.advance(600);
    expect(moved.body.message.offset_seconds).toBe(600);
    const active = await partner.until(id, 'ACTIVE');
    expect((await other.get(theirs)).body.message.status).toBe('PROVISIONING');
    expect((await other.raw('GET', '/__sandbox/clock')).body.message.offset_seconds).toBe(0);

    await partner.advance(3600);
    const hour = (await partner.get(id)).body.message;
    expect(hour.cost).toBeCloseTo(active.current_price_per_hour, 2);
    expect(Date.parse(hour.last_cost_updated_time) - Date.now()).toBeGreaterThan(4000 * 1000);

    expect((await partner.raw('DELETE', `/sg_inf/${id}`)).status).toBe(200);
    expect((await partner.get(id)).body.message.status).toBe('DELETING');
    await partner.advance(120);
    expect((await partner.get(id)).status).toBe(404);
  });

  it('the clock takes only a forward move of at most 30 days, named by its field', async () => {
    const partner = tenantOf(mock.url, 'clock-token');
    for (const body of [
      { advance_seconds: -1 },
      { advance_seconds: 0 },
      { advance_seconds: 'x' },
      {},
      { advance_seconds: 1, extra: 1 },
    ]) {
      const answer = await partner.raw('POST', '/__sandbox/clock', { body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.errors?.[0]?.field).toMatch(/advance_seconds|extra/);
    }
    expect(
      (await partner.raw('POST', '/__sandbox/clock', { body: { advance_seconds: 31 * 86400 } })).status,
    ).toBe(422);
    expect((await partner.raw('GET', '/__sandbox/clock', { token: null })).status).toBe(401);
    const read = await partner.raw('GET', '/__sandbox/clock');
    expect(read.body.message.offset_seconds).toBe(0);
    expect(Math.abs(Date.parse(read.body.message.now) - Date.now())).toBeLessThan(60_000);
  });

  it('the programmatic API moves the same clock', async () => {
    const partner = tenantOf(mock.url, 'api-token');
    const moved = await mock.clock?.advance('api-token', 90);
    expect(moved?.offset_seconds).toBe(90);
    expect((await partner.raw('GET', '/__sandbox/clock')).body.message.offset_seconds).toBe(90);
    expect((await mock.clock?.read('api-token'))?.offset_seconds).toBe(90);
    await expect(mock.clock?.advance('api-token', -5) ?? Promise.resolve()).rejects.toThrow(
      /advance_seconds/,
    );
  });
});
