import { createClient } from '@sgi/client';

// export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
const baseUrl = process.env.SCALEGEN_BASE_URL;
if (!baseUrl) throw new Error('export SCALEGEN_BASE_URL first');
const client = createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN });

// An empty list also when production answers 204 to an account without deployments.
const deployments = await client.inference.list();
for (const deployment of deployments) {
  console.log(deployment.id, deployment.name, deployment.status);
}
