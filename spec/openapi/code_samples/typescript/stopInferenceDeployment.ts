import { createClient } from '@sgi/client';

// export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
const baseUrl = process.env.SCALEGEN_BASE_URL;
if (!baseUrl) throw new Error('export SCALEGEN_BASE_URL first');
const client = createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN });
const id = process.env.SCALEGEN_DEPLOYMENT_ID;
if (!id) throw new Error('export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)');

// Scales to zero workers: no GPU is billed, settings and id are kept.
const message = await client.inference.stop(id, { force: false });
console.log(message);
