// The smoke test each runtime runs (Node.js 22, 24 and 26, Bun, Deno) on the installed tarballs:
// @sgi/spec loads, @sgi/mock starts a sandbox on a free loopback port in this runtime, and @sgi/client
// creates, reads, waits for and deletes a deployment in it, then gets a NotFoundError. Prints one JSON line.
import { createClient, NotFoundError } from '@sgi/client';
import { startMockServer } from '@sgi/mock';
import { loadSpec } from '@sgi/spec';

const runtime =
  typeof Deno !== 'undefined'
    ? `deno ${Deno.version.deno}`
    : typeof Bun !== 'undefined'
      ? `bun ${Bun.version}`
      : `node ${process.versions.node}`;
const spec = loadSpec();
const mock = await startMockServer({ mode: 'sandbox', port: 0, provisionDelayMs: 0, deleteDelayMs: 0 });
try {
  const client = createClient({ baseUrl: mock.url, token: 'smoke-test-token', maxRetries: 0 });
  const { inf_id } = await client.inference.create({
    name: 'smoke',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    inf_type: 'llm',
    initial_worker_config: {
      min_workers: 0,
      max_workers: 1,
      initial_workers_gpu: 'L40S',
      initial_workers_gpu_num: 1,
    },
    controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
  });
  const ready = await client.inference.waitUntilReady(inf_id, { timeout: 30_000, interval: 10 });
  await client.inference.delete(inf_id);
  let gone = false;
  for (let i = 0; i < 100 && !gone; i++) {
    gone = await client.inference.get(inf_id).then(
      () => false,
      (error) => error instanceof NotFoundError,
    );
    if (!gone) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(JSON.stringify({ runtime, api: spec.info.version, status: ready.status, gone }));
} finally {
  await mock.close();
}
