/**
 * Two sandbox processes on one Redis behind one public URL: a partner's journey with sandbox time, its
 * calls alternating between them, sees one clock and one state.
 */
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from '@sgi/testing';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalingToZero, seedBody, tenantOf } from '../support/endpoint.js';
import { type Replica, startReplica } from '../support/replica.js';

let redis: TestRedis;
let replicas: Replica[] = [];
const PUBLIC = 'https://sandbox.example.com/mock';

beforeAll(async () => {
  redis = await startRedis();
  const args = [
    '--store',
    redis.url,
    '--provision-delay-ms',
    '0',
    '--delete-delay-ms',
    '0',
    '--public-url',
    `${PUBLIC}/`,
  ];
  replicas = await Promise.all([0, 1].map(() => startReplica(args)));
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await redis?.close();
});

describe('the endpoint and the clock across two replicas', () => {
  it('create on one, call on the other, idle to INACTIVE by the clock moved on either, start, delete: one state', async () => {
    const token = `partner-${randomUUID()}`;
    const [a, b] = replicas.map((r) => tenantOf(r.url, token)) as [
      ReturnType<typeof tenantOf>,
      ReturnType<typeof tenantOf>,
    ];
    const id = await a.create(scalingToZero(600));
    const active = await b.until(id, 'ACTIVE');
    // The link is the public URL, whichever replica answered.
    expect(active.link).toBe(`${PUBLIC}/deployments/${id}`);
    const [viaA, viaB] = replicas.map(
      (r) => new OpenAI({ baseURL: `${r.url}/deployments/${id}/inference/v1`, apiKey: token }),
    ) as [OpenAI, OpenAI];
    const ask = {
      model: String(seedBody.model),
      messages: [{ role: 'user' as const, content: 'hi' }],
      seed: 9,
    };
    const first = await viaA.chat.completions.create(ask);
    expect((await viaB.chat.completions.create(ask)).choices[0]?.message.content).toBe(
      first.choices[0]?.message.content,
    );

    // A call through one replica resets the idle time the other sees.
    await a.advance(500);
    await viaB.models.list();
    await b.advance(500);
    expect((await a.get(id)).body.message.status).toBe('ACTIVE');
    expect((await a.raw('GET', '/__sandbox/clock')).body.message.offset_seconds).toBe(1000);
    await a.advance(101);
    expect((await b.get(id)).body.message.status).toBe('INACTIVE');
    const inactive = await viaB.chat.completions.create(ask, { maxRetries: 0 }).catch((e: unknown) => e);
    expect((inactive as APIError).status).toBe(503);

    expect((await b.raw('POST', `/sg_inf/${id}/scale/up`)).status).toBe(200);
    await a.until(id, 'ACTIVE');
    expect((await viaA.chat.completions.create(ask)).choices[0]?.message.content).toBe(
      first.choices[0]?.message.content,
    );
    expect((await a.raw('DELETE', `/sg_inf/${id}`)).status).toBe(200);
    await expect(viaB.models.list()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // Another tenant's clock did not move.
    expect(
      (await tenantOf(replicas[1]?.url ?? '', 'someone-else').raw('GET', '/__sandbox/clock')).body.message
        .offset_seconds,
    ).toBe(0);
  });
});
