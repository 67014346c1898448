import { createClient, NotFoundError } from '@sgi/client';

const client = createClient({ token: process.env.SCALEGEN_ACCESS_TOKEN });

try {
  const deployment = await client.inference.get('3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41');
  console.log(deployment.status, deployment.link);
} catch (error) {
  if (error instanceof NotFoundError) console.log('No such deployment');
  else throw error;
}
