import { createClient } from '@sgi/client';

const client = createClient({ token: process.env.SCALEGEN_ACCESS_TOKEN });

const deployments = await client.inference.list();
for (const deployment of deployments) {
  console.log(deployment.id, deployment.name, deployment.status);
}
