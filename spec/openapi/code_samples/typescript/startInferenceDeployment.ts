import { ConflictError, createClient } from '@sgi/client';

// export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
const baseUrl = process.env.SCALEGEN_BASE_URL;
if (!baseUrl) throw new Error('export SCALEGEN_BASE_URL first');
const client = createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN });
const id = process.env.SCALEGEN_DEPLOYMENT_ID;
if (!id) throw new Error('export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)');

try {
  await client.inference.start(id);
  const deployment = await client.inference.waitUntilReady(id);
  console.log('ready at', deployment.link);
} catch (error) {
  // Only an INACTIVE deployment can be started.
  if (error instanceof ConflictError) console.log('Not stopped:', error.message);
  else throw error;
}
