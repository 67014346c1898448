import { createClient } from '@sgi/client';

// export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
const baseUrl = process.env.SCALEGEN_BASE_URL;
if (!baseUrl) throw new Error('export SCALEGEN_BASE_URL first');
const client = createClient({ baseUrl, token: process.env.SCALEGEN_ACCESS_TOKEN });

// In production this starts paid GPUs: the client never retries a create that may have reached the server.
const { inf_id: id } = await client.inference.create({
  name: 'llama-70b-dep',
  model: 'meta-llama/Llama-3.1-70B-Instruct',
  inf_type: 'llm',
  initial_worker_config: {
    min_workers: 0,
    max_workers: 4,
    initial_workers_gpu: 'A100_80GB',
    initial_workers_gpu_num: 4,
  },
  autoscaling_config: {
    scale_to_zero: true,
    scale_to_zero_timeout_sec: 7200,
  },
  controller_cloud_config: {
    cloud_provider: 'SCALEGENAI',
    region: 'US',
  },
});
// The other samples read the new deployment's id from SCALEGEN_DEPLOYMENT_ID:
console.log(`export SCALEGEN_DEPLOYMENT_ID=${id}`);

// PROVISIONING until the model answers; wait for ACTIVE.
const deployment = await client.inference.waitUntilReady(id, { timeout: 30 * 60_000 });
console.log(`${deployment.name} is ${deployment.status} at ${deployment.link}`);
