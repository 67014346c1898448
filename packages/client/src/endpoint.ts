import { ScaleGenError } from './core/errors.js';

/** What an OpenAI-compatible client (the `openai` package, LangChain, ...) needs to call a deployment's model. */
export interface DeploymentEndpoint {
  /** The OpenAI base URL: the deployment's `link` + `/inference/v1`. */
  baseURL: string;
  /** The API key it was given (sent as `Authorization: Bearer <apiKey>`). */
  apiKey: string;
  /** The model to name in each request: the deployment's `model` (a LoRA adapter's name works too). */
  model: string;
}

/**
 * The OpenAI-compatible settings of an `ACTIVE` deployment's model endpoint, for any OpenAI-compatible
 * client. The endpoint is `link + "/inference"`; its routes are those of vLLM's OpenAI-compatible server
 * (see `@sgi/spec/endpoint.json`). In production `apiKey` is the deployment's own key (the account secret
 * `AUTH_ENDPOINT_KEY_<id>`); in the sandbox, your sandbox token. Throws when the deployment has no
 * `link` yet (it is not `ACTIVE`): wait for it first (`client.inference.waitUntilReady(id)`).
 *
 * @example
 * import OpenAI from 'openai';
 * const deployment = await client.inference.waitUntilReady(id);
 * const { baseURL, apiKey, model } = deploymentEndpoint(deployment, process.env.ENDPOINT_KEY!);
 * const openai = new OpenAI({ baseURL, apiKey });
 * await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] });
 */
export function deploymentEndpoint(
  deployment: { id?: string; status?: string; link?: string | null; model?: string },
  apiKey: string,
): DeploymentEndpoint {
  if (typeof apiKey !== 'string' || apiKey.length === 0)
    throw new ScaleGenError('deploymentEndpoint: apiKey must be a non-empty string.');
  if (!deployment.link)
    throw new ScaleGenError(
      `Deployment ${deployment.id ?? ''} has no endpoint yet (status ${deployment.status ?? 'unknown'}): wait until it is ACTIVE.`.replace(
        '  ',
        ' ',
      ),
    );
  return {
    baseURL: `${deployment.link.replace(/\/+$/, '')}/inference/v1`,
    apiKey,
    model: String(deployment.model ?? ''),
  };
}
