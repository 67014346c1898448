import { ConflictError, createClient } from '@sgi/client';

const client = createClient({ token: process.env.SCALEGEN_ACCESS_TOKEN });
const id = '3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41';

try {
  await client.inference.start(id);
  const deployment = await client.inference.waitUntilReady(id);
  console.log('ready at', deployment.link);
} catch (error) {
  // Only an INACTIVE deployment can be started.
  if (error instanceof ConflictError) console.log('Not stopped:', error.message);
  else throw error;
}
