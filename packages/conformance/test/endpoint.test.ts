import { createServer, type Server } from 'node:http';
import { type MockServer, startMockServer } from '@sgi/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEndpoint } from '../src/index.js';

let mock: MockServer;
let wrong: Server;
let wrongUrl: string;
beforeAll(async () => {
  mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
  // An endpoint that answers its model list in another shape than vLLM's.
  wrong = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ models: ['m'] }));
  });
  await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
  wrongUrl = `http://127.0.0.1:${(wrong.address() as { port: number }).port}`;
});
afterAll(async () => {
  await mock?.close();
  await new Promise((resolve) => wrong?.close(resolve));
});

describe('checkEndpoint', () => {
  it("finds nothing on the sandbox's endpoint of an ACTIVE deployment", async () => {
    const headers = { Authorization: 'Bearer endpoint-conformance', 'Content-Type': 'application/json' };
    const created = await fetch(`${mock.url}/sg_inf/create`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'm',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        inf_type: 'llm',
        controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
      }),
    });
    const id = ((await created.json()) as { message: { inf_id: string } }).message.inf_id;
    const got = await fetch(`${mock.url}/sg_inf/${id}`, { headers });
    const link = ((await got.json()) as { message: { link: string } }).message.link;
    const result = await checkEndpoint({ link, apiKey: 'endpoint-conformance' });
    expect(result.findings).toEqual([]);
  });

  it('reports a model list of another shape, a 404 and an endpoint that does not answer', async () => {
    const shape = await checkEndpoint({ link: wrongUrl, apiKey: 'k' });
    expect(shape.findings.map((f) => f.kind)).toContain('schema');
    const missing = await checkEndpoint({ link: `${mock.url}/deployments/nope`, apiKey: 'k' });
    expect(missing.findings.map((f) => f.kind)).toEqual(['behaviour']);
    expect(missing.findings[0]?.status).toBe(404);
    const closed = await checkEndpoint({ link: 'http://127.0.0.1:1', apiKey: 'k', timeoutMs: 2000 });
    expect(closed.findings.map((f) => f.kind)).toEqual(['unreachable']);
    expect(JSON.stringify([shape, missing, closed])).not.toContain('Bearer');
  });
});
