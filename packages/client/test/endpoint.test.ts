import { type MockServer, startMockServer } from '@sgi/mock';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, deploymentEndpoint, ScaleGenError } from '../src/index.js';

describe('deploymentEndpoint', () => {
  it("gives the OpenAI base URL (link + /inference/v1), the key it is given and the deployment's model", () => {
    expect(
      deploymentEndpoint({ id: 'd1', status: 'ACTIVE', link: 'https://d1.example.com/', model: 'm' }, 'key'),
    ).toEqual({ baseURL: 'https://d1.example.com/inference/v1', apiKey: 'key', model: 'm' });
  });

  it('refuses a deployment without a link, saying why, and an empty key, without quoting it', () => {
    expect(() => deploymentEndpoint({ id: 'd1', status: 'PROVISIONING', link: null }, 'key')).toThrow(
      /d1 has no endpoint yet \(status PROVISIONING\): wait until it is ACTIVE/,
    );
    expect(() => deploymentEndpoint({ link: 'https://x' }, '')).toThrow(ScaleGenError);
  });
});

describe('deploymentEndpoint with the openai package, against the sandbox', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
  });
  afterAll(() => mock?.close());

  it('a deployment made with the client answers chat through the openai package', async () => {
    const client = createClient({ baseUrl: mock.url, token: 'endpoint-token' });
    const { inf_id: id } = await client.inference.create({
      name: 'llama-8b',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      inf_type: 'llm',
      controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
    });
    const deployment = await client.inference.waitUntilReady(id, { interval: 10 });
    const { baseURL, apiKey, model } = deploymentEndpoint(deployment, 'endpoint-token');
    const openai = new OpenAI({ baseURL, apiKey });
    const answer = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });
});
