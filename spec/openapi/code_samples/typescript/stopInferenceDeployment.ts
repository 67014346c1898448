import { createClient } from '@sgi/client';

const client = createClient({ token: process.env.SCALEGEN_ACCESS_TOKEN });

// Scales to zero workers: no GPU is billed, settings and id are kept.
const message = await client.inference.stop('3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41', { force: false });
console.log(message);
