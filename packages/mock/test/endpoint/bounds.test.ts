import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/index.js';
import { seedBody, tenantOf } from '../support/endpoint.js';
import { eventually } from '../support/replica.js';
import { startSandbox } from '../support/sandbox.js';

let mock: MockServer;
let partner: ReturnType<typeof tenantOf>;
let chat: string;
const token = 'bounds-token';
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
const ask = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: seedBody.model, messages: [{ role: 'user', content: 'hi' }], ...extra });

beforeAll(async () => {
  // One request in flight per tenant, counted with the control plane's; small bodies and short answers.
  mock = await startSandbox({ maxConcurrent: 1, maxBodyBytes: 4096, endpointMaxStreamMs: 5000 });
  partner = tenantOf(mock.url, token);
  const id = await partner.create(seedBody);
  await partner.until(id, 'ACTIVE');
  chat = `${mock.url}/deployments/${id}/inference/v1/chat/completions`;
});
afterAll(() => mock.close());

describe('the endpoint keeps the sandbox bounds', () => {
  it('an abandoned stream stops, and gives its concurrency slot back', async () => {
    const controller = new AbortController();
    const res = await fetch(chat, {
      method: 'POST',
      headers: { ...headers, 'X-Sandbox-Tokens-Per-Second': '10' },
      body: ask({ stream: true }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    await reader?.read();
    // While it streams, the tenant's one slot is taken, the control plane's calls included.
    expect((await partner.raw('GET', '/sg_inf/list')).status).toBe(429);
    controller.abort();
    await eventually('the slot is given back', async () =>
      (await partner.raw('GET', '/sg_inf/list')).status === 200 ? true : undefined,
    );
    const log = await eventually('the request log shows the abandoned stream', async () => {
      const entries = (await partner.raw('GET', '/__sandbox/requests')).body.message as Array<{
        path: string;
        status: number;
      }>;
      return entries.find((e) => e.path.endsWith('/chat/completions')) ? entries : undefined;
    });
    expect(log.find((e) => e.path.endsWith('/chat/completions'))?.status).toBe(499);
  });

  it('refuses a body over the limit (413), an answer slower than the bound and bad switches (400), in the OpenAI error shape', async () => {
    const big = await fetch(chat, { method: 'POST', headers, body: ask({ user: 'x'.repeat(8000) }) });
    expect(big.status).toBe(413);
    expect((await big.json()).error.type).toBe('invalid_request_error');
    const slow = await fetch(chat, {
      method: 'POST',
      headers: { ...headers, 'X-Sandbox-TTFT-Ms': '5000', 'X-Sandbox-Tokens-Per-Second': '1' },
      body: ask({ stream: true }),
    });
    expect(slow.status).toBe(400);
    expect((await slow.json()).error.message).toMatch(/limit of 5 s/);
    for (const [name, value] of [
      ['X-Sandbox-Fail', 'sometimes'],
      ['X-Sandbox-TTFT-Ms', '-1'],
      ['X-Sandbox-Tokens-Per-Second', 'fast'],
      ['X-Sandbox-Reply', '%E0%A4%A'],
    ]) {
      const bad = await fetch(chat, {
        method: 'POST',
        headers: { ...headers, [name as string]: value as string },
        body: ask(),
      });
      expect(bad.status, `${name}: ${value}`).toBe(400);
      expect((await bad.json()).error.message.toLowerCase()).toContain((name as string).toLowerCase());
    }
    const anonymous = await fetch(chat, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: ask(),
    });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.type).toBe('authentication_error');
  });
});
