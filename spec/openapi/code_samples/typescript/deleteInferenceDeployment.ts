import { createClient } from '@sgi/client';

const client = createClient({ token: process.env.SCALEGEN_ACCESS_TOKEN });

// force: true tears down at once, without draining in-flight requests.
const message = await client.inference.delete('3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41', { force: false });
console.log(message);
