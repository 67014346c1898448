// The same program as CommonJS: require() of @sgi/client, no top-level await.
import { APIError, createClient, type InferenceDeploymentCreate, NotFoundError } from '@sgi/client';

async function main(baseUrl: string): Promise<void> {
  const client = createClient({ baseUrl, token: 'consumer-test-token', maxRetries: 0 });
  const request: InferenceDeploymentCreate = {
    name: 'consumer-llama-cjs',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    inf_type: 'llm',
    controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
  };
  // @ts-expect-error `model` is required: the CommonJS types (index.d.cts) must say so too.
  const incomplete: InferenceDeploymentCreate = { name: 'no-model', inf_type: 'llm' };
  void incomplete;
  const { inf_id } = await client.inference.create(request);
  const deployment = await client.inference.get(inf_id);
  const deleted = await client.inference.delete(inf_id);
  let notFound: { isNotFound: boolean; status: number } | undefined;
  for (let attempt = 0; attempt < 50 && !notFound; attempt++) {
    try {
      await client.inference.get(inf_id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } catch (error) {
      notFound = {
        isNotFound: error instanceof NotFoundError,
        status: error instanceof APIError ? error.status : -1,
      };
    }
  }
  console.log(
    JSON.stringify({
      module: 'cjs',
      inf_id,
      name: deployment.name,
      status: deployment.status,
      deleted,
      notFound,
    }),
  );
}

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: node main.cjs <base URL>');
main(baseUrl).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
