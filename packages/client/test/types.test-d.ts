import { describe, expectTypeOf, it } from 'vitest';
import {
  type APIError,
  type CreatedDeployment,
  createClient,
  type DeploymentStatus,
  type GpuType,
  type InferenceDeployment,
  type InferenceDeploymentCreate,
  type ScaleGenClient,
  type UnprocessableEntityError,
  type WithResponse,
} from '../src/index.js';

const client = createClient({ token: 't' });
const cloud = { cloud_provider: 'SCALEGENAI', region: 'US' } as const;

describe('create request types', () => {
  it('accepts a valid body', () => {
    const body: InferenceDeploymentCreate = {
      name: 'n',
      model: 'm',
      inf_type: 'llm',
      initial_worker_config: { initial_workers_gpu: 'A100_80GB', max_workers: 2 },
      controller_cloud_config: cloud,
    };
    expectTypeOf(client.inference.create).toBeCallableWith(body);
  });

  it('rejects an unknown field', () => {
    const body: InferenceDeploymentCreate = {
      name: 'n',
      model: 'm',
      // @ts-expect-error `modle` is not a field
      modle: 'x',
      controller_cloud_config: cloud,
    };
    void body;
  });

  it('rejects a wrong enum value', () => {
    const body: InferenceDeploymentCreate = {
      name: 'n',
      model: 'm',
      // @ts-expect-error `chat` is not an inference type
      inf_type: 'chat',
      controller_cloud_config: cloud,
    };
    void body;
    // @ts-expect-error there is no bare H100
    const gpu: GpuType = 'H100';
    void gpu;
  });

  it('rejects a body without a required field', () => {
    // @ts-expect-error `name` is required
    const noName: InferenceDeploymentCreate = { model: 'm', controller_cloud_config: cloud };
    // @ts-expect-error one controller configuration is required
    const noController: InferenceDeploymentCreate = { name: 'n', model: 'm' };
    const noRegion: InferenceDeploymentCreate = {
      name: 'n',
      model: 'm',
      // @ts-expect-error a cloud controller needs its region
      controller_cloud_config: { cloud_provider: 'AWS' },
    };
    void [noName, noController, noRegion];
  });

  it('rejects two controllers at once', () => {
    // @ts-expect-error exactly one controller
    const both: InferenceDeploymentCreate = {
      name: 'n',
      model: 'm',
      controller_cloud_config: cloud,
      controller_on_prem_config: { use_ssl: true },
    };
    void both;
  });
});

describe('client options', () => {
  it('fetch accepts any fetch-compatible function', () => {
    createClient({ token: 't', fetch: (url: string, init: RequestInit) => globalThis.fetch(url, init) });
    createClient({ token: 't', fetch: async (url: string) => new Response(url) });
    createClient({ token: 't', fetch: globalThis.fetch });
    createClient({ token: 't', fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) });
    // @ts-expect-error a fetch must resolve with a Response
    createClient({ token: 't', fetch: async (url: string) => url });
    // @ts-expect-error the client passes a string URL, not a number
    createClient({ token: 't', fetch: async (url: number) => new Response(String(url)) });
  });

  it('fetchOptions take fetch settings and extra keys, but not what the client sets', () => {
    createClient({ token: 't', fetchOptions: { keepalive: true, dispatcher: {} } });
    // @ts-expect-error the client sets the method
    createClient({ token: 't', fetchOptions: { method: 'PUT' } });
    // @ts-expect-error keepalive is a boolean
    void client.inference.list({ fetchOptions: { keepalive: 'yes' } });
  });

  it('withOptions gives a client of the same type, and takes no credentials', () => {
    expectTypeOf(client.withOptions({ timeout: 1 })).toEqualTypeOf<ScaleGenClient>();
    // @ts-expect-error credentials are shared, not changed
    client.withOptions({ token: 'other' });
  });
});

describe('result types', () => {
  it('each method resolves with the unwrapped message', () => {
    expectTypeOf(client.inference.create).returns.resolves.toEqualTypeOf<CreatedDeployment>();
    expectTypeOf(client.inference.get).returns.resolves.toEqualTypeOf<InferenceDeployment>();
    expectTypeOf(client.inference.list).returns.resolves.toEqualTypeOf<InferenceDeployment[]>();
    expectTypeOf(client.inference.delete).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(client.inference.start).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(client.inference.stop).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(client.inference.waitUntilReady).returns.resolves.toEqualTypeOf<InferenceDeployment>();
    expectTypeOf(client.inference.withResponse.get).returns.resolves.toEqualTypeOf<
      WithResponse<InferenceDeployment>
    >();
  });

  it('a wrong result type does not compile', async () => {
    // @ts-expect-error get resolves with a deployment, not a string
    const s: string = await client.inference.get('id');
    // @ts-expect-error create resolves with { inf_id }, not the id string
    const id: string = await client.inference.create({
      name: 'n',
      model: 'm',
      controller_cloud_config: cloud,
    });
    void [s, id];
    expectTypeOf<InferenceDeployment['status']>().toEqualTypeOf<DeploymentStatus>();
    expectTypeOf<CreatedDeployment>().toEqualTypeOf<{ inf_id: string }>();
  });

  it('errors narrow by status', () => {
    expectTypeOf<UnprocessableEntityError['status']>().toEqualTypeOf<422>();
    expectTypeOf<UnprocessableEntityError>().toExtend<APIError>();
    expectTypeOf<UnprocessableEntityError['errors'][number]>().toEqualTypeOf<{
      field: string;
      message: string;
      code?: string;
    }>();
  });

  it('method arguments are checked', () => {
    // @ts-expect-error get needs an id
    void client.inference.get();
    // @ts-expect-error force is a boolean
    void client.inference.delete('id', { force: 'yes' });
    // @ts-expect-error unknown per-call option
    void client.inference.list({ retries: 3 });
  });
});
