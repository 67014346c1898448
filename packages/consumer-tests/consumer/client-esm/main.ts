// A strict TypeScript program (ES module) that uses @sgi/client as its README shows:
// create -> get -> delete -> get (404) against the sandbox at the base URL given as the first argument;
// then a key pair, whose token exchange (a chunk of the package loaded on the first call) is answered
// by a token endpoint of its own on loopback.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  APIError,
  AuthenticationError,
  createClient,
  type InferenceDeployment,
  type InferenceDeploymentCreate,
  NotFoundError,
  ScaleGenError,
} from '@sgi/client';

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: node main.js <base URL>');
const client = createClient({ baseUrl, token: 'consumer-test-token', maxRetries: 0 });

const request: InferenceDeploymentCreate = {
  name: 'consumer-llama',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  inf_type: 'llm',
  initial_worker_config: {
    min_workers: 0,
    max_workers: 1,
    initial_workers_gpu: 'L40S',
    initial_workers_gpu_num: 1,
  },
  controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
};
// @ts-expect-error `model` is required: the types must say so (an `any` would make this line an error).
const incomplete: InferenceDeploymentCreate = { name: 'no-model', inf_type: 'llm' };
void incomplete;

const { inf_id } = await client.inference.create(request);
const deployment: InferenceDeployment = await client.inference.get(inf_id);
const deleted: string = await client.inference.delete(inf_id);

// The sandbox keeps a deleted deployment as DELETING for a moment; then get answers 404.
let notFound:
  | { isNotFound: boolean; isAPIError: boolean; isScaleGenError: boolean; status: number }
  | undefined;
for (let attempt = 0; attempt < 50 && !notFound; attempt++) {
  try {
    await client.inference.get(inf_id);
    await new Promise((resolve) => setTimeout(resolve, 100));
  } catch (error) {
    notFound = {
      isNotFound: error instanceof NotFoundError,
      isAPIError: error instanceof APIError,
      isScaleGenError: error instanceof ScaleGenError,
      status: error instanceof APIError ? error.status : -1,
    };
  }
}

// The token endpoint: issues a token for the right secret, refuses any other.
let exchanges = 0;
const tokens = createServer((req, res) => {
  let form = '';
  req.on('data', (chunk: Buffer) => {
    form += chunk.toString();
  });
  req.on('end', () => {
    exchanges++;
    const ok = new URLSearchParams(form).get('client_secret') === 'consumer-key-secret';
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(ok ? { access_token: 'consumer-access', expires_in: 3600 } : { error: 'access_denied' }),
    );
  });
});
await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
const tokenUrl = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/oauth/token`;
const keys = { baseUrl, keyId: 'consumer-key-id', tokenUrl, maxRetries: 0 };
const listed = await createClient({ ...keys, keySecret: 'consumer-key-secret' }).inference.list();
const refused: unknown = await createClient({ ...keys, keySecret: 'wrong-key-secret' })
  .inference.list()
  .catch((error: unknown) => error);
tokens.close();

console.log(
  JSON.stringify({
    module: 'esm',
    keyPair: {
      listed: Array.isArray(listed),
      exchanges,
      refused: refused instanceof AuthenticationError ? refused.message : String(refused),
    },
    inf_id,
    name: deployment.name,
    status: deployment.status,
    deleted,
    notFound,
  }),
);
