import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../src/index.js';
import { spec } from './support/contract.js';
import { client, expectDocumented } from './support/http.js';
import { startSandbox } from './support/sandbox.js';

const seedBody = JSON.parse(
  readFileSync(new URL('./fixtures/seed-create-body.json', import.meta.url), 'utf8'),
);
const examples = spec.components.examples as Record<string, { value: Record<string, unknown> }>;
let mock: MockServer;
let call: ReturnType<typeof client>;

beforeAll(async () => {
  mock = await startSandbox();
  call = client(mock.url, 'settings-token');
});
afterAll(() => mock.close());

/** Creates a deployment and returns what get answers for it. */
async function createAndGet(body: unknown, token?: string) {
  const created = await call('POST', '/sg_inf/create', { body, token });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const id = created.body.message.inf_id;
  const got = await call('GET', `/sg_inf/${id}`, { token });
  expectDocumented('GET', `/sg_inf/${id}`, got);
  return got.body.message;
}

describe('sandbox: get returns what was created', () => {
  it("returns the seed's curl example field by field, with the server's fields added", async () => {
    const got = await createAndGet(seedBody);
    const { hf_token: _secret, ...sent } = structuredClone(seedBody);
    // The seed sends both the deprecated latency fields and the thresholds: the thresholds win.
    sent.autoscaling_config.upper_allowed_latency_sec = sent.autoscaling_config.upper_allowed_threshold;
    sent.autoscaling_config.lower_allowed_latency_sec = sent.autoscaling_config.lower_allowed_threshold;
    for (const [field, value] of Object.entries(sent)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        expect(got[field], field).toMatchObject(value as object);
      } else {
        expect(got[field], field).toEqual(value);
      }
    }
    // Defaults of the fields the seed does not send.
    expect(got).toMatchObject({ agentic_deployment: false, vllm_extra_args: null });
    expect(got.initial_worker_config.wait_for_preprov_nodes).toBe(false);
    // The server's own fields.
    expect(Object.keys(got)).toEqual(
      expect.arrayContaining([
        'id',
        'user_id',
        'status',
        'timestamp',
        'link',
        'cost',
        'current_price_per_hour',
      ]),
    );
    expect(got).not.toHaveProperty('hf_token');
  });

  it('fills in the defaults the spec documents for a minimal request', async () => {
    const got = await createAndGet(examples.CreateRequestMinimal?.value);
    expect(got).toMatchObject({
      inf_type: 'embedding',
      engine: 'tei',
      allow_spot_instances: false,
      cloud_providers: [],
      llm_loras: [],
      base_model: null,
      max_model_len: null,
      throughput_optimized: false,
      controller_on_prem_config: null,
      controller_cloud_config: {
        cloud_provider: 'SCALEGENAI',
        region: 'US',
        public_url: true,
        use_ssl: true,
      },
      initial_worker_config: {
        min_workers: 0,
        max_workers: 100,
        use_other_gpus: false,
        expand_gpu_types: true,
      },
      autoscaling_config: {
        scale_to_zero_timeout_sec: 1800,
        scale_to_zero: false,
        autoscaling_strategy: 'ttft_latency_sec',
        upper_allowed_threshold: 1,
        lower_allowed_threshold: 0.2,
      },
    });
  });

  it.each([
    ['llm', 'vllm'],
    ['embedding', 'tei'],
    ['vlm', 'lmdeploy'],
    ['tti', 'nos'],
  ])('picks the default engine for inf_type %s: %s', async (infType, engine) => {
    const got = await createAndGet({ ...examples.CreateRequestMinimal?.value, inf_type: infType });
    expect(got.engine).toBe(engine);
  });

  it('never returns an hf_token, at the top or in a LoRA adapter', async () => {
    const token = 'tenant-with-secrets';
    const body = examples.CreateRequestOnPrem?.value;
    const got = await createAndGet({ ...body, hf_token: 'hf_top_secret_1' }, token);
    expect(got.llm_loras).toEqual([{ name: 'support-tone', hf_repo: 'acme/mistral-support-lora' }]);
    const list = await call('GET', '/sg_inf/list', { token });
    for (const text of [JSON.stringify(got), JSON.stringify(list.body)]) {
      expect(text).not.toContain('hf_top_secret_1');
      expect(text).not.toContain('hf_example_not_a_real_token');
      expect(text).not.toContain('hf_token');
    }
  });

  it("upgrades an older client's deprecated fields to the ones that replace them", async () => {
    const got = await createAndGet(examples.CreateRequestLegacy?.value);
    expect(got.controller_cloud_config).toMatchObject({ cloud_provider: 'DATACRUNCH', region: 'EU' });
    expect(got).not.toHaveProperty('gateway_config');
    expect(got).not.toHaveProperty('max_throughput_rate');
    expect(got.min_throughput_rate).toBe(0);
    expect(got.initial_worker_config.use_other_gpus).toBe(true);
    expect(got.initial_worker_config).not.toHaveProperty('use_same_gpus_when_scaling');
    expect(got.autoscaling_config).toMatchObject({
      scale_up_time_window_sec: 300,
      scale_down_time_window_sec: 300,
    });
    expect(got.autoscaling_config).not.toHaveProperty('time_window_sec');
    // Sent alone, the deprecated latency fields set the thresholds that supersede them.
    expect(examples.CreateRequestLegacy?.value.autoscaling_config).not.toHaveProperty(
      'upper_allowed_threshold',
    );
    expect(got.autoscaling_config).toMatchObject({
      upper_allowed_threshold: 4,
      upper_allowed_latency_sec: 4,
      lower_allowed_threshold: 1,
      lower_allowed_latency_sec: 1,
    });
  });
});

describe('sandbox: rules between fields', () => {
  it('refuses min_workers above 0 together with scale_to_zero', async () => {
    const body = {
      ...seedBody,
      initial_worker_config: { ...seedBody.initial_worker_config, min_workers: 2 },
    };
    const answer = await call('POST', '/sg_inf/create', { body });
    expect(answer.status).toBe(422);
    expectDocumented('POST', '/sg_inf/create', answer);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'autoscaling_config.scale_to_zero', code: 'conflict' }),
    ]);
  });

  it('refuses min_throughput_rate together with an initial GPU choice', async () => {
    const answer = await call('POST', '/sg_inf/create', { body: { ...seedBody, min_throughput_rate: 10 } });
    expect(answer.status).toBe(422);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'initial_worker_config.initial_workers_gpu',
      'initial_worker_config.initial_workers_gpu_num',
    ]);
  });
});
