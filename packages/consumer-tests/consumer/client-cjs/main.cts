// The same program as CommonJS: require() of @sgi/client, no top-level await. The key pair's token
// exchange is inline in the CommonJS build: it loads all the same on the first call.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  APIError,
  AuthenticationError,
  createClient,
  type InferenceDeploymentCreate,
  NotFoundError,
} from '@sgi/client';

/** Lists with a key pair whose tokens come from a token endpoint on loopback; then with a wrong secret. */
async function keyPair(baseUrl: string) {
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
        JSON.stringify(
          ok ? { access_token: 'consumer-access', expires_in: 3600 } : { error: 'access_denied' },
        ),
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
  return {
    listed: Array.isArray(listed),
    exchanges,
    refused: refused instanceof AuthenticationError ? refused.message : String(refused),
  };
}

async function main(baseUrl: string): Promise<void> {
  const client = createClient({ baseUrl, token: 'consumer-test-token', maxRetries: 0 });
  const request: InferenceDeploymentCreate = {
    name: 'consumer-llama-cjs',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    inf_type: 'llm',
    controller_cloud_config: { cloud_provider: 'SCALEGENAI', region: 'US' },
  };
  // @ts-expect-error `model` is required: the CommonJS types (index.d.cts) must say so too.
  const incomplete: InferenceDeploymentCreate = { name: 'no-model', inf_type: 'llm' };
  void incomplete;
  const { inf_id } = await client.inference.create(request);
  const deployment = await client.inference.get(inf_id);
  const deleted = await client.inference.delete(inf_id);
  let notFound: { isNotFound: boolean; status: number } | undefined;
  for (let attempt = 0; attempt < 50 && !notFound; attempt++) {
    try {
      await client.inference.get(inf_id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } catch (error) {
      notFound = {
        isNotFound: error instanceof NotFoundError,
        status: error instanceof APIError ? error.status : -1,
      };
    }
  }
  console.log(
    JSON.stringify({
      module: 'cjs',
      keyPair: await keyPair(baseUrl),
      inf_id,
      name: deployment.name,
      status: deployment.status,
      deleted,
      notFound,
    }),
  );
}

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: node main.cjs <base URL>');
main(baseUrl).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
