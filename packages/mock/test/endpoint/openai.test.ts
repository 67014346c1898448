import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractViolation, MockServer } from '../../src/index.js';
import { embeddingBody, seedBody, tenantOf } from '../support/endpoint.js';
import { startSandbox } from '../support/sandbox.js';

const violations: ContractViolation[] = [];
let mock: MockServer;
let partner: ReturnType<typeof tenantOf>;
let llm: OpenAI;
let embedder: OpenAI;
let llmLink: string;
const MODEL = String(seedBody.model);

beforeAll(async () => {
  mock = await startSandbox({ onContractViolation: (v) => violations.push(v) });
  partner = tenantOf(mock.url, 'endpoint-token');
  const id = await partner.create({
    ...seedBody,
    llm_loras: [{ name: 'sql-adapter', hf_repo: 'acme/sql-lora' }],
  });
  llmLink = (await partner.until(id, 'ACTIVE')).link;
  llm = partner.openai(llmLink);
  const emb = await partner.create(embeddingBody);
  embedder = partner.openai((await partner.until(emb, 'ACTIVE')).link);
});
afterAll(async () => {
  await mock.close();
  expect(violations).toEqual([]);
});

const ask = { model: MODEL, messages: [{ role: 'user' as const, content: 'Tell me about rivers.' }] };

describe('the endpoint, driven by the openai package', () => {
  it("an ACTIVE deployment's link is this sandbox, and its models are the model and its LoRA adapters", async () => {
    expect(llmLink).toMatch(new RegExp(`^${mock.url}/deployments/[0-9a-f-]{36}$`));
    const models = await llm.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MODEL, 'sql-adapter']);
  });

  it('chat: deterministic for the same request and seed, with usage; the stream carries the same text', async () => {
    const first = await llm.chat.completions.create({ ...ask, seed: 3 });
    const again = await llm.chat.completions.create({ ...ask, seed: 3 });
    const other = await llm.chat.completions.create({ ...ask, seed: 4 });
    const text = first.choices[0]?.message.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(again.choices[0]?.message.content).toBe(text);
    expect(other.choices[0]?.message.content).not.toBe(text);
    expect(first.usage?.completion_tokens).toBeGreaterThan(0);
    expect(first.usage?.total_tokens).toBe(
      (first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0),
    );

    const stream = await llm.chat.completions.create({
      ...ask,
      seed: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = '';
    let usage: unknown;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(streamed).toBe(text);
    expect(finish).toBe('stop');
    expect(usage).toEqual(first.usage);
  });

  it('honours max_tokens, stop, n and the LoRA model name', async () => {
    const short = await llm.chat.completions.create({ ...ask, max_tokens: 3 });
    expect(short.choices[0]?.finish_reason).toBe('length');
    expect(short.usage?.completion_tokens).toBe(3);
    const full = (await llm.chat.completions.create(ask)).choices[0]?.message.content ?? '';
    const word = full.split(' ')[2] as string;
    const stopped = await llm.chat.completions.create({ ...ask, stop: [` ${word}`] });
    expect(full.startsWith(stopped.choices[0]?.message.content ?? 'x')).toBe(true);
    expect(stopped.choices[0]?.message.content).not.toContain(` ${word}`);
    const many = await llm.chat.completions.create({ ...ask, n: 3, model: 'sql-adapter' });
    expect(many.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(many.model).toBe('sql-adapter');
  });

  it('text completions, plain and streamed', async () => {
    const plain = await llm.completions.create({ model: MODEL, prompt: 'Once upon a time', seed: 1 });
    const stream = await llm.completions.create({
      model: MODEL,
      prompt: 'Once upon a time',
      seed: 1,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(plain.choices[0]?.text);
    expect(plain.object).toBe('text_completion');
  });

  it('a scripted reply, plain and streamed', async () => {
    const reply = 'Exactly this, with ünïcode: {"ok": true}';
    const headers = { 'X-Sandbox-Reply': encodeURIComponent(reply) };
    const plain = await llm.chat.completions.create(ask, { headers });
    expect(plain.choices[0]?.message.content).toBe(reply);
    let text = '';
    for await (const chunk of await llm.chat.completions.create({ ...ask, stream: true }, { headers }))
      text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(reply);
  });

  it('a required tool call has arguments that match the function parameters', async () => {
    const parameters = {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 3 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    };
    const answer = await llm.chat.completions.create({
      ...ask,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters } }],
      tool_choice: 'required',
    });
    const choice = answer.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '');
    expect(typeof args.city).toBe('string');
    expect(args.city.length).toBeGreaterThanOrEqual(3);
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    expect(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7).toBe(true);
  });

  it('JSON mode gives valid JSON, even with few tokens', async () => {
    for (const max_tokens of [1, 4, 200]) {
      const answer = await llm.chat.completions.create({
        ...ask,
        max_tokens,
        response_format: { type: 'json_object' },
      });
      expect(() => JSON.parse(answer.choices[0]?.message.content ?? '')).not.toThrow();
    }
  });

  it('embeddings: unit vectors, equal for equal input, of the asked dimensions (the SDK asks for base64)', async () => {
    const answer = await embedder.embeddings.create({
      model: 'BAAI/bge-small-en-v1.5',
      input: ['a', 'b', 'a'],
    });
    const [a, b, a2] = answer.data.map((d) => d.embedding);
    expect(a).toHaveLength(384);
    expect(a2).toEqual(a);
    expect(b).not.toEqual(a);
    expect(Math.abs(Math.hypot(...(a as number[])) - 1)).toBeLessThan(1e-5);
    const small = await embedder.embeddings.create({
      model: 'BAAI/bge-small-en-v1.5',
      input: 'a',
      dimensions: 8,
      encoding_format: 'float',
    });
    expect(small.data[0]?.embedding).toHaveLength(8);
    const tei = await partner.raw('POST', new URL(`${embedder.baseURL}/../embed`).pathname, {
      body: { inputs: 'a' },
    });
    expect(tei.status).toBe(200);
    expect(tei.body[0]).toHaveLength(384);
  });

  it('errors are the SDK own classes: wrong model, wrong kind of deployment, too many tokens, bad key', async () => {
    await expect(llm.chat.completions.create({ ...ask, model: 'nope' })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    await expect(
      embedder.chat.completions.create({ ...ask, model: 'BAAI/bge-small-en-v1.5' }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(llm.embeddings.create({ model: MODEL, input: 'a' })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    const tooMany = await llm.chat.completions
      .create({ ...ask, max_tokens: 10_000_000 })
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooMany as APIError).param).toBe('max_tokens');
    const invalid = await llm.chat.completions.create({ ...ask, temperature: 3 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
    expect((invalid as APIError).param).toBe('temperature');
    const stranger = new OpenAI({ baseURL: `${llmLink}/inference/v1`, apiKey: 'another-tenant' });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('simulated failures: 429 with Retry-After, 500, a stream cut half-way', async () => {
    const limited = await llm.chat.completions
      .create(ask, { headers: { 'X-Sandbox-Fail': '429' }, maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as APIError).headers?.get('retry-after')).toBe('1');
    await expect(
      llm.chat.completions.create(ask, { headers: { 'X-Sandbox-Fail': '500' }, maxRetries: 0 }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const cut = await llm.chat.completions.create(
      { ...ask, stream: true },
      { headers: { 'X-Sandbox-Fail': 'stream-cut' } },
    );
    const read = async () => {
      for await (const _ of cut);
    };
    await expect(read()).rejects.toThrow();
  });

  it('simulated latency: a first token after the asked time, then the asked pace', async () => {
    const stream = await llm.chat.completions.create(
      { ...ask, stream: true, max_tokens: 5 },
      { headers: { 'X-Sandbox-TTFT-Ms': '50', 'X-Sandbox-Tokens-Per-Second': '100' } },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const slow = await llm.chat.completions
      .create({ ...ask, stream: true }, { headers: { 'X-Sandbox-Tokens-Per-Second': '0.01' } })
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(OpenAI.BadRequestError);
  });
});
