import { createClient, NotFoundError } from '@sgi/client';

// export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
const baseUrl = process.env.SCALEGEN_BASE_URL;
if (!baseUrl) throw new Error('export SCALEGEN_BASE_URL first');
const client = createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN });
const id = process.env.SCALEGEN_DEPLOYMENT_ID;
if (!id) throw new Error('export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)');

try {
  const deployment = await client.inference.get(id);
  console.log(deployment.id, deployment.status, deployment.link);
} catch (error) {
  // 404, or production's 204 for an id that does not exist: both are a NotFoundError.
  if (error instanceof NotFoundError) console.log('No such deployment');
  else throw error;
}
