import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { errorsOf, validatorAt } from './support/schema.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests edit answers deep inside, on purpose
type Json = Record<string, any>;

/** The spec's own example of a get answer. */
const active = (): Json =>
  parse(
    readFileSync(new URL('../openapi/components/examples/DeploymentActive.yaml', import.meta.url), 'utf8'),
  ).value;

const deployment = validatorAt('#/components/schemas/DeploymentResult');
const errorsAt = (value: unknown) => errorsOf(deployment, value).map((e) => `${e.instancePath} ${e.keyword}`);

describe('answers tolerate additive change', () => {
  it('accepts the example as it is', () => {
    expect(errorsAt(active())).toEqual([]);
  });

  it.each([
    ['the envelope', (a: Json) => Object.assign(a, { trace: 'x' })],
    ['the deployment', (a: Json) => Object.assign(a.message, { region_label: 'eu' })],
    ['autoscaling_config', (a: Json) => Object.assign(a.message.autoscaling_config, { burst: true })],
    ['initial_worker_config', (a: Json) => Object.assign(a.message.initial_worker_config, { spot: 1 })],
    ['cloud_providers[0]', (a: Json) => Object.assign(a.message.cloud_providers[0], { zones: ['a'] })],
    ['controller_cloud_config', (a: Json) => Object.assign(a.message.controller_cloud_config, { tier: 2 })],
    ['llm_loras[0]', (a: Json) => (a.message.llm_loras = [{ name: 'l', hf_repo: 'o/l', rank: 8 }])],
  ])('accepts an unknown field in %s', (_where, edit) => {
    const answer = active();
    edit(answer);
    expect(errorsAt(answer)).toEqual([]);
  });

  it('still rejects a known field of the wrong type, so the validator can fail', () => {
    const answer = active();
    answer.message.autoscaling_config.scale_to_zero = 'yes';
    expect(errorsAt(answer)).toContain('/message/autoscaling_config/scale_to_zero type');
  });
});

describe('answers as the server writes them', () => {
  it.each([
    '2026-11-25T14:03:11Z',
    '2026-11-25T14:03:11+00:00',
    '2026-11-25T14:03:11.123456',
    '2026-11-25T14:03:11',
  ])('accepts the timestamp %s', (timestamp) => {
    const answer = active();
    answer.message.timestamp = timestamp;
    answer.message.end_time = timestamp;
    expect(errorsAt(answer)).toEqual([]);
  });

  it.each(['yesterday', '25/11/2026', '2026-11-25T14:03:11Z trailing'])('rejects the timestamp %s', (t) => {
    const answer = active();
    answer.message.timestamp = t;
    expect(errorsAt(answer)).toContain('/message/timestamp pattern');
  });

  it('accepts an identity provider user id', () => {
    const answer = active();
    answer.message.user_id = 'auth0|5f7c8ec7c33c6c004bbafe82';
    expect(errorsAt(answer)).toEqual([]);
  });

  it('refuses a 200 that says it failed', () => {
    const answer = active();
    answer.success = false;
    expect(errorsAt(answer)).toContain('/success const');
  });

  it('requires the fields a deployment always has', () => {
    for (const field of ['id', 'name', 'model', 'inf_type', 'engine', 'status', 'timestamp']) {
      const answer = active();
      delete answer.message[field];
      expect(errorsAt(answer), field).toContain('/message required');
    }
  });
});
