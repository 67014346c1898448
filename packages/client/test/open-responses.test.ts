import { describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';
import { DEPLOYMENT } from './support/fault-server.js';
import { json, stubFetch } from './support/stub-fetch.js';

// The spec's response schemas are open: a server newer than this client may add fields, at the
// top of an answer or inside any nested object. The client hands them over untouched.
const newer = {
  ...DEPLOYMENT,
  gpu_hours_this_month: 12.5,
  autoscaling_config: { scale_to_zero: true, scale_to_zero_timeout_sec: 1800, warm_pool_size: 2 },
  routing: { strategy: 'least-latency', regions: ['US', 'EU'] },
};

function clientAnswering(body: (url: string) => unknown) {
  const { fetch } = stubFetch((call) => json(200, body(call.url)));
  return createClient({ baseUrl: 'http://api.test', token: 'token-12345678', fetch, logLevel: 'off' });
}

describe('fields the client does not know', () => {
  it('get and list pass unknown fields through, at the top and nested', async () => {
    const client = clientAnswering((url) => ({
      success: true,
      message: url.endsWith('/list') ? [newer] : newer,
      served_by: 'eu-west-2',
    }));
    const one = await client.inference.get('dep-1');
    expect(one).toEqual(newer);
    expect((one as unknown as Record<string, unknown>).gpu_hours_this_month).toBe(12.5);
    expect(one.autoscaling_config).toEqual(newer.autoscaling_config);
    expect(await client.inference.list()).toEqual([newer]);
  });

  it('create passes an unknown field of its result through', async () => {
    const client = clientAnswering(() => ({
      success: true,
      message: { inf_id: 'dep-1', estimated_ready_in_sec: 90 },
    }));
    const created = await client.inference.create({
      name: 'n',
      model: 'm',
      controller_cloud_config: { cloud_provider: 'AWS', region: 'US' },
    });
    expect(created).toEqual({ inf_id: 'dep-1', estimated_ready_in_sec: 90 });
  });

  it('withResponse gives the same untouched result', async () => {
    const client = clientAnswering(() => ({ success: true, message: newer }));
    const { data } = await client.inference.withResponse.get('dep-1');
    expect(data).toEqual(newer);
  });
});
