import { createClient } from '@sgi/client';

// export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
const baseUrl = process.env.SCALEGEN_BASE_URL;
if (!baseUrl) throw new Error('export SCALEGEN_BASE_URL first');
const client = createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN });
const id = process.env.SCALEGEN_DEPLOYMENT_ID;
if (!id) throw new Error('export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)');

// force: true tears down at once, without draining in-flight requests.
const message = await client.inference.delete(id, { force: false });
console.log(message);
