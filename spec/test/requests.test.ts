import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorsOf, fieldsOf, validatorAt } from './support/schema.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
/** The request body of the original documentation's curl example (its one surplus closing brace removed). */
const seedBody = fixture('seed-create-body.json');
/** The first, older example of the original documentation: deprecated fields, no controller config. */
const seedFirstExample = fixture('seed-first-example.json');

// biome-ignore lint/suspicious/noExplicitAny: the tests mutate request bodies deep inside, to break them on purpose
type Body = Record<string, any>;

const validate = validatorAt('#/components/schemas/InferenceDeploymentCreate');
const rejectedFields = (body: unknown) => fieldsOf(errorsOf(validate, body));
const clone = (): Body => structuredClone(seedBody);

describe('create request: what is accepted', () => {
  it("accepts the seed's curl body, nulls included", () => {
    expect(errorsOf(validate, seedBody)).toEqual([]);
  });

  it("accepts the seed's first example with its deprecated fields", () => {
    expect(errorsOf(validate, seedFirstExample)).toEqual([]);
  });

  it.each([
    [
      'a region in any provider naming',
      (b: Body) => Object.assign(b.controller_cloud_config, { region: 'europe-west4' }),
    ],
    [
      'a GCP network path as vpc_id',
      (b: Body) =>
        Object.assign(b.controller_cloud_config, { vpc_id: 'projects/p-1/global/networks/default' }),
    ],
    [
      'an Azure virtual network id as vpc_id',
      (b: Body) =>
        Object.assign(b.controller_cloud_config, {
          vpc_id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
        }),
    ],
    [
      'a LoRA name with a slash',
      (b: Body) => (b.llm_loras = [{ name: 'my-org/sql', hf_repo: 'org/sql-lora' }]),
    ],
  ])('accepts %s', (_label, mutate) => {
    const body = clone();
    mutate(body);
    expect(errorsOf(validate, body)).toEqual([]);
  });

  it('accepts only the required fields and a controller', () => {
    const body = { name: 'x', model: 'org/model', controller_on_prem_config: {} };
    expect(errorsOf(validate, body)).toEqual([]);
  });
});

describe('create request: what is rejected, naming the field', () => {
  it.each([
    [
      'inf_type',
      (b: Body) => {
        b.inf_type = 'chat';
      },
      'inf_type',
    ],
    [
      'engine',
      (b: Body) => {
        b.engine = 'tgi';
      },
      'engine',
    ],
    [
      'autoscaling_strategy',
      (b: Body) => {
        b.autoscaling_config.autoscaling_strategy = 'cpu';
      },
      'autoscaling_config.autoscaling_strategy',
    ],
    [
      'provider',
      (b: Body) => {
        b.cloud_providers[0].name = 'HETZNER';
      },
      'cloud_providers.0.name',
    ],
    [
      'GPU type',
      (b: Body) => {
        b.initial_worker_config.initial_workers_gpu = 'H100';
      },
      'initial_worker_config.initial_workers_gpu',
    ],
  ])('a wrong enum value: %s', (_label, mutate, field) => {
    const body = clone();
    mutate(body);
    expect(rejectedFields(body)).toContain(field);
  });

  it.each([
    [
      'a string for an integer',
      (b: Body) => {
        b.max_model_len = '32000';
      },
      'max_model_len',
    ],
    [
      'a float for an integer',
      (b: Body) => {
        b.autoscaling_config.scale_to_zero_timeout_sec = 1.5;
      },
      'autoscaling_config.scale_to_zero_timeout_sec',
    ],
    [
      'a string for a boolean',
      (b: Body) => {
        b.allow_spot_instances = 'no';
      },
      'allow_spot_instances',
    ],
    [
      'an object for a list',
      (b: Body) => {
        b.cloud_providers = { name: 'AWS' };
      },
      'cloud_providers',
    ],
    [
      'a negative worker count',
      (b: Body) => {
        b.initial_worker_config.min_workers = -1;
      },
      'initial_worker_config.min_workers',
    ],
  ])('a wrong type or range: %s', (_label, mutate, field) => {
    const body = clone();
    mutate(body);
    expect(rejectedFields(body)).toContain(field);
  });

  it.each(['name', 'model'])('a missing %s', (field) => {
    const body = clone();
    delete body[field];
    expect(rejectedFields(body)).toContain(field);
  });

  it('both controller configs', () => {
    const body = clone();
    body.controller_on_prem_config = { use_ssl: true, on_prem_node_id: 'node-1' };
    const fields = rejectedFields(body);
    expect(fields).toContain('controller_on_prem_config');
    expect(fields).toContain('controller_cloud_config');
  });

  it('no controller config at all', () => {
    const body = clone();
    body.controller_cloud_config = null;
    expect(rejectedFields(body)).toEqual(expect.arrayContaining(['controller_cloud_config']));
  });

  it('an unknown (misspelt) field, at the top and nested', () => {
    const top = { ...clone(), scale_to_zero_timout_sec: 60 };
    expect(rejectedFields(top)).toContain('scale_to_zero_timout_sec');
    const nested = clone();
    nested.autoscaling_config.scale_to_zero_timout_sec = 60;
    expect(rejectedFields(nested)).toContain('autoscaling_config.scale_to_zero_timout_sec');
  });

  it.each([
    ['initial_worker_config', (b: Body) => Object.assign(b.initial_worker_config, { min_worker: 1 })],
    ['cloud_providers.0', (b: Body) => Object.assign(b.cloud_providers[0], { region: 'US' })],
    ['controller_cloud_config', (b: Body) => Object.assign(b.controller_cloud_config, { zone: 'a' })],
    [
      'controller_cloud_config.api_gateway_data',
      (b: Body) => {
        b.controller_cloud_config.api_gateway_data = { provider: 'AWS', apiid: 'x' };
      },
    ],
  ])('an unknown field inside %s', (where, mutate) => {
    const body = clone();
    mutate(body);
    const fields = rejectedFields(body);
    expect(fields.some((f) => f.startsWith(`${where}.`))).toBe(true);
  });

  it('an unknown field inside the on-premise controller', () => {
    const body = { name: 'x', model: 'org/model', controller_on_prem_config: { use_tls: true } };
    expect(rejectedFields(body)).toContain('controller_on_prem_config.use_tls');
  });

  it('both min_throughput_rate style fields keep their bounds', () => {
    const body = { ...clone(), min_throughput_rate: -5 };
    expect(rejectedFields(body)).toContain('min_throughput_rate');
  });
});
